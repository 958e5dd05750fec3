"""Check the locked dependencies for known vulnerabilities (pip-audit), as CI does.

    .venv/bin/python scripts/audit.py                  # requirements-dev.lock (the app's too)
    .venv/bin/python scripts/audit.py --service osv    # one service only

Asks PyPI's vulnerability data first, then OSV, for every package and version in the lock
(nothing is installed). Exit 1 when a locked version has a known vulnerability (each one
is listed with the versions that fix it: raise the bound or run `bash scripts/lock.sh
--upgrade-package NAME`). When no service answers (a machine that reaches only the
package index), it says so in one line and exits 0: not checked is not a failure of the
code, and the line shows in CI's log. Any other error of pip-audit fails.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("pypi", "osv")
# pip-audit ends with a traceback of one of these when a service cannot be reached.
# (most telling first; the first one found is named in the message).
UNREACHABLE = (
    "NameResolutionError",
    "Connection refused",
    "ConnectTimeout",
    "ReadTimeout",
    "Could not connect",
    "ConnectionError",
)


def locked_names(lock: Path) -> set[str]:
    names = set()
    for line in lock.read_text().splitlines():
        if line[:1].isalnum() and "==" in line:
            names.add(line.split("==", 1)[0].strip().lower().replace("_", "-"))
    return names


def run_pip_audit(lock: Path, service: str, osv_url: str | None, timeout: int):
    """(report, None) when the service answered, (None, why) when it could not be reached."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        cmd = [
            sys.executable,
            "-m",
            "pip_audit",
            "--requirement",
            str(lock),
            "--require-hashes",
            "--disable-pip",
            "--vulnerability-service",
            service,
            "--timeout",
            str(timeout),
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--output",
            str(out),
        ]
        if osv_url:
            cmd += ["--osv-url", osv_url]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        report = json.loads(out.read_text()) if out.exists() else None
    if report is None:
        err = proc.stderr.strip()
        mark = next((mark for mark in UNREACHABLE if mark in err), None)
        if mark:
            return None, f"{service}: not reachable, {mark}"
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"pip-audit failed (exit {proc.returncode}) with {service}")
    deps = report.get("dependencies", [])
    audited = [d for d in deps if "skip_reason" not in d]
    if deps and not audited:
        return None, f"{service}: 'not found' for all {len(deps)} packages"
    return report, None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--lock", type=Path, default=ROOT / "requirements-dev.lock")
    parser.add_argument("--app-lock", type=Path, default=ROOT / "requirements.lock")
    parser.add_argument("--service", choices=SERVICES, action="append")
    parser.add_argument("--osv-url", help="another OSV API address (a mirror)")
    parser.add_argument("--timeout", type=int, default=15, help="seconds per request")
    args = parser.parse_args(argv)

    app = locked_names(args.app_lock) if args.app_lock.exists() else set()
    why_not = []
    for service in args.service or SERVICES:
        report, why = run_pip_audit(args.lock, service, args.osv_url, args.timeout)
        if report is None:
            why_not.append(why)
            continue
        deps = report["dependencies"]
        found = [d for d in deps if d.get("vulns")]
        skipped = [d["name"] for d in deps if "skip_reason" in d]
        checked = len(deps) - len(skipped)
        if skipped:
            print(f"== audit: {len(skipped)} packages not found by {service}: {', '.join(skipped)}")
        if not found:
            print(
                f"== audit: no known vulnerabilities in the {checked} packages of "
                f"{args.lock.name} ({service})"
            )
            return 0
        print(f"== audit: known vulnerabilities in {args.lock.name} ({service}):")
        for dep in found:
            where = "app" if dep["name"].lower() in app else "dev/test only"
            for vuln in dep["vulns"]:
                fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
                ids = ", ".join([vuln["id"], *vuln.get("aliases", [])])
                print(f"   {dep['name']} {dep['version']} ({where}): {ids}; fixed in: {fixes}")
                if vuln.get("description"):
                    print(f"      {vuln['description'][:200]}")
        return 1
    print(
        "== audit: NOT CHECKED, no vulnerability service reachable from this machine "
        f"({'; '.join(why_not)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
