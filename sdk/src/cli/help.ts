// The CLI's help text, kept apart from the parsing so both stay readable.
export const HELP = `tinyscale — generate images within a latency budget (best of N, scored by a latent verifier)

Usage:
  tinyscale generate "prompt" [--budget MS | --n N] [--seed S] [--verifier vhs|clip|ae|none]
                              [--size WxH] [--format png|webp|jpeg] [--out FILE] [--json]
  tinyscale plan --budget MS [--verifier V] [--json]    how many candidates fit a budget (free)
  tinyscale usage [--json]                              this key's credits and limits
  tinyscale models [--json]                             the models being served
  tinyscale keys list | create --name NAME [--env live|test] [--rpm N] [--burst N] [--concurrency N]
                               [--quota CREDITS] [--period day|month] | revoke ID     (admin token)

Options:
  --budget, -b MS     latency budget; the service picks n (default 1100 when --n is absent)
  --n, -n N           exact number of candidates instead of a budget
  --out, -o FILE      where to write the image (default tinyscale-<seed>.<ext>)
  --json              print the response as JSON instead of a table
  --base-url URL      API endpoint (default TINYSCALE_BASE_URL, then .tinyscale/local.json)
  --api-key KEY       API key (default TINYSCALE_API_KEY, then .tinyscale/local.json)
  --admin-token TOKEN for keys (default TINYSCALE_ADMIN_TOKEN, then .tinyscale/local.json)
  --timeout MS        per-attempt timeout;  --max-retries N  retries on 408/409/429/5xx (default 2)

Progress goes to stderr, results to stdout. Exit status: 0 ok, 1 request failed, 2 bad usage, 130 interrupted.
`;
