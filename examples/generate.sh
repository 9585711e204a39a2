#!/usr/bin/env bash
# Generates one image with nothing but curl and jq: POST /v1/generate, decode image.b64_json to a file,
# print the candidates' scores. Usage: TINYSCALE_API_KEY=… [TINYSCALE_BASE_URL=…] examples/generate.sh "prompt" [out.png]
set -euo pipefail

for tool in curl jq base64; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "generate.sh needs $tool (Debian/Ubuntu: sudo apt-get install $tool; macOS: brew install $tool)" >&2
    exit 1
  fi
done
if [ -z "${TINYSCALE_API_KEY:-}" ]; then
  echo "set TINYSCALE_API_KEY (with the local stack: export TINYSCALE_API_KEY=\$(jq -r .api_key .tinyscale/local.json))" >&2
  exit 1
fi

base_url="${TINYSCALE_BASE_URL:-http://127.0.0.1:8787}"
prompt="${1:-a red fox in the snow}"
out="${2:-image.png}"
budget_ms="${BUDGET_MS:-1100}"
# One key for this request, sent again on every retry, so a retried request is never generated or billed twice.
idempotency_key="sh-$(date +%s)-$RANDOM$RANDOM"

body="$(jq -n --arg prompt "$prompt" --argjson budget "$budget_ms" '{prompt: $prompt, budget_ms: $budget}')"
response="$(mktemp)"
trap 'rm -f "$response"' EXIT

# --retry retries 408/429/500/502/503/504 and honours Retry-After; --retry-max-time caps the waiting.
status="$(curl -sS --retry 2 --retry-max-time 60 -o "$response" -w '%{http_code}' \
  -X POST "$base_url/v1/generate" \
  -H "Authorization: Bearer $TINYSCALE_API_KEY" \
  -H "Content-Type: application/json" \
  -H "Idempotency-Key: $idempotency_key" \
  --data "$body")"

if [ "$status" -ge 400 ]; then
  jq -r --arg status "$status" \
    '"error \($status) \(.error.code // "?"): \(.error.message // "no message") (request \(.error.request_id // "?"))"' \
    "$response" >&2 2>/dev/null || echo "error $status: $(head -c 300 "$response")" >&2
  exit 1
fi

# jq cannot write binary, so it prints the base64 text and base64 -d decodes it.
jq -r '.image.b64_json' "$response" | base64 -d >"$out"
jq -r --arg out "$out" '"wrote \($out): \(.image.width)x\(.image.height) \(.image.mime_type), n \(.n), \(.timings.total_ms | floor) ms, \(.usage.credits) credits, request \(.id)"' "$response"
jq -r '.chosen_index as $w | .candidates[]
  | "\(if .index == $w then "▶" else " " end) #\(.index)  seed \(.seed)  score \(.score * 10000 | round / 10000)  \(.verdict)"' "$response"
