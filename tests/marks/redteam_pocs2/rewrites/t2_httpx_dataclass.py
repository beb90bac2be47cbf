# ruff: noqa
"""Auth flow checker (httpx), steps described by a dataclass."""

from dataclasses import dataclass
import sys

import httpx


@dataclass(frozen=True)
class Step:
    label: str
    route: str
    came_from: str


STEPS = (Step("login", "/auth/login", "/auth/start"), Step("fetch", "/auth/profile", "/auth/login"))


class Flow:
    def __init__(self, target, marker="t1"):
        self.target = target
        self.marker = marker

    def headers(self, step):
        h = {}
        h["accept-language"] = "en-US,en;q=0.9"
        h["host"] = self.target
        h["Origin"] = f"http://{self.target}"
        h["Accept"] = "application/json, text/plain, */*"
        h["Referer"] = f"http://{self.target}{step.came_from}"
        h["X-Step"] = f"step-{step.label}"
        h["x-token"] = f"tok-{self.marker}"
        h["x-trace"] = f"trace-{self.marker}"
        return h

    def run(self):
        with httpx.Client(base_url=f"http://{self.target}:8080", timeout=15) as c:
            for st in STEPS:
                print(st.label, c.get(st.route, headers=self.headers(st)).status_code)


if __name__ == "__main__":
    Flow(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1").run()
