"""The real gpu-backend as a child process on loopback, and a small HTTP client for /v1/generate.

The evaluation talks to the same `node gpu-backend/dist/server.js` that production runs, over HTTP,
so its latencies include tokenization, batching, PNG encoding and the network stack.
"""

from __future__ import annotations

import base64
import io
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[3]


class BackendError(RuntimeError):
    """The backend answered with an error body (its `code` kept) or did not start."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code = status, code


@dataclass
class Generation:
    image: np.ndarray  # uint8 [H, W, 3]
    chosen_index: int
    seeds: list[int]
    scores: list[float]
    n: int
    wall_ms: float  # round trip measured here
    server_ms: float  # the backend's own timings.total_ms


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Backend:
    """`with Backend(bundle) as b: b.generate(...)` — starts, waits for /readyz, stops with SIGTERM."""

    def __init__(self, bundle: Path, log_file: Path, max_n: int = 16, ready_timeout_s: float = 300):
        self.bundle, self.log_file, self.max_n, self.ready_timeout_s = bundle, log_file, max_n, ready_timeout_s
        self.url = ""
        self.retries = 0  # 503 answers retried (reported with the results)
        self._proc: subprocess.Popen | None = None

    def __enter__(self) -> "Backend":
        server = REPO / "gpu-backend" / "dist" / "server.js"
        if not server.exists():
            raise BackendError(0, "not_built", f"{server} is missing: run `npx tsc -b` first")
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "TINYSCALE_EP": os.environ.get("TINYSCALE_EP", "cpu")}
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_file, "w")  # noqa: SIM115 — the child keeps writing after this returns
        self._proc = subprocess.Popen(
            ["node", str(server), "--bundle", str(self.bundle), "--port", str(port), "--allow-unauthenticated",
             "--max-n", str(self.max_n)],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # a signal to this process group (Ctrl-C) reaches us; we stop it in order
        )
        deadline = time.monotonic() + self.ready_timeout_s
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise BackendError(0, "exited", f"backend exited ({self._proc.returncode}); see {self.log_file}")
            try:
                with urllib.request.urlopen(f"{self.url}/readyz", timeout=2) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        self.__exit__(None, None, None)
        raise BackendError(0, "timeout", f"backend not ready in {self.ready_timeout_s} s; see {self.log_file}")

    def __exit__(self, *exc) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(30)
            except subprocess.TimeoutExpired:
                self._proc.kill()

    def get(self, path: str) -> dict:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=30) as r:
            return json.loads(r.read())

    def generate(self, prompt: str, seed: int, verifier: str, n: int | None = None,
                 budget_ms: int | None = None) -> Generation:
        body: dict = {"prompt": prompt, "seed": seed, "verifier": verifier, "output_format": "png"}
        body.update({"n": n} if n is not None else {"budget_ms": budget_ms})
        req = urllib.request.Request(
            f"{self.url}/v1/generate", data=json.dumps(body).encode(), headers={"content-type": "application/json"}
        )
        for attempt in range(30):
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(req, timeout=120) as r:
                    raw = r.read()
                break
            except urllib.error.HTTPError as e:
                err = json.loads(e.read() or b"{}").get("error", {})
                # 503 overloaded on a fixed n says "try again" (Retry-After). On a budget it says the budget
                # cannot be met now; the evaluation sends one request at a time, so that is a refusal: the
                # caller's to handle, as is anything else
                if e.code == 503 and n is not None and attempt < 29:
                    self.retries += 1
                    time.sleep(float(e.headers.get("retry-after") or 1))
                    continue
                raise BackendError(e.code, err.get("code", "unknown"), err.get("message", "")) from None
        wall_ms = (time.perf_counter() - t0) * 1000
        res = json.loads(raw)
        png = base64.b64decode(res["image"]["b64_json"])
        image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
        cands = sorted(res["candidates"], key=lambda c: c["index"])
        return Generation(
            image=image,
            chosen_index=int(res["chosen_index"]),
            seeds=[int(c["seed"]) for c in cands],
            scores=[float(c["score"]) for c in cands],
            n=int(res["n"]),
            wall_ms=wall_ms,
            server_ms=float(res["timings"]["total_ms"]),
        )
