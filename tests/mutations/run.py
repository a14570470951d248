#!/usr/bin/env python3
"""Mutation gate: applies each mutant of mutants.json to a scratch copy of the repository, runs only the tests
that must catch it, and fails when any mutant survives or any mutant's anchor is not found exactly once (or its count).

  python3 tests/mutations/run.py            # the gate (CI runs it after the test suite)
  python3 tests/mutations/run.py --check    # anchors only, in a second: every find-text occurs once
  python3 tests/mutations/run.py NAME ...   # only these mutants

Last line: "mutants: K killed of N". Exit 1 when K < N or an anchor is broken.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# MUTATION_GATE_MUTANTS names another list (to try a mutant before adding it).
MUTANTS = os.environ.get("MUTATION_GATE_MUTANTS") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "mutants.json")
TEST_PROJECT = "tests/Pipeline.Tests"
TEST_DLL = "tests/Pipeline.Tests/bin/Debug/net10.0/SpotifyWorker.Pipeline.Tests.dll"
PIPELINE_PROJECT = "src/Pipeline/Pipeline.csproj"
PIPELINE_OUT = "src/Pipeline/bin/Debug/net10.0"
SKIP_DIRS = {".git", "bin", "obj", "TestResults", "node_modules"}
SKIP_PATHS = {"data", "bench/work", "bench/results"}
TEST_TIMEOUT = 420


def log(message):
    print(message, flush=True)


def load():
    with open(MUTANTS, encoding="utf-8") as f:
        mutants = json.load(f)["mutants"]
    names = [m["name"] for m in mutants]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        sys.exit(f"mutants.json: duplicate mutant names {duplicates}")
    for m in mutants:
        missing = [k for k in ("name", "file", "find", "replace", "why") if k not in m]
        if missing or not (m.get("classes") or m.get("methods")):
            sys.exit(f"mutants.json: mutant {m.get('name', '?')} lacks {missing or ['classes or methods']}")
    return mutants


def anchor_problem(root, m):
    """None when the find-text occurs exactly `count` times (default once) in the file, else what is wrong (the lead
    must re-anchor it). A count above one is for one bug spelled in several places, such as an ordering expression
    that a query both aggregates and joins on: every occurrence is replaced."""
    path = os.path.join(root, m["file"])
    if not os.path.isfile(path):
        return f"file {m['file']} does not exist"
    with open(path, encoding="utf-8") as f:
        count = f.read().count(m["find"])
    expected = m.get("count", 1)
    return None if count == expected else f"find-text occurs {count} times in {m['file']} (must be exactly {expected}): {m['find']!r}"


def copy_tree(source, target):
    for folder, dirs, files in os.walk(source):
        relative = os.path.relpath(folder, source)
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and os.path.normpath(os.path.join(relative, d)) not in SKIP_PATHS]
        os.makedirs(os.path.join(target, relative), exist_ok=True)
        for name in files:
            shutil.copy2(os.path.join(folder, name), os.path.join(target, relative, name))


# The wide property test runs with a fixed seed (the gate's verdicts are repeatable) and without shrinking (the
# gate needs the verdict, not the minimal drop set); both can be overridden from the environment.
TEST_ENV = {"SPOTIFYWORKER_PROPERTY_SEED": "20261202", "SPOTIFYWORKER_PROPERTY_SHRINK": "0"}


def run(args, cwd, timeout=None):
    env = {**TEST_ENV, **os.environ}
    return subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)


def build(scratch, full):
    # SQL files are embedded resources of the pipeline assembly, so a SQL mutant needs the rebuild as much as C# does.
    # Between mutants only the pipeline assembly changes (its public surface stays), so it is built alone and copied
    # next to the tests: MSBuild would otherwise evaluate the worker and the test project for nothing.
    if full:
        result = run(["dotnet", "build", TEST_PROJECT, "-nologo", "-v", "q", "-clp:ErrorsOnly"], scratch)
    else:
        result = run(["dotnet", "build", PIPELINE_PROJECT, "--no-restore", "-nologo", "-v", "q", "-clp:ErrorsOnly"], scratch)
        if result.returncode == 0:
            target = os.path.join(scratch, os.path.dirname(TEST_DLL))
            for name in ("SpotifyWorker.Pipeline.dll", "SpotifyWorker.Pipeline.pdb"):
                shutil.copy2(os.path.join(scratch, PIPELINE_OUT, name), os.path.join(target, name))
    return result


def test_args(m):
    args = [f"{c}.*" for c in m.get("classes", [])] + list(m.get("methods", []))
    filters = []
    for a in args:
        filters += ["-method", a]
    for d in m.get("displayNames", []):
        filters += ["-displayName", d]
    # Theory rows have display names only when enumerated at discovery.
    return ["dotnet", TEST_DLL, "-noColor", "-noLogo", "-stopOnFail", "-preEnumerateTheories", *filters]


def main():
    # A stopped gate (SIGTERM) still removes its scratch copy.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    argv = sys.argv[1:]
    check_only = "--check" in argv
    only = [a for a in argv if not a.startswith("--")]
    mutants = load()
    if only:
        unknown = [n for n in only if n not in {m["name"] for m in mutants}]
        if unknown:
            sys.exit(f"unknown mutants {unknown}")
        mutants = [m for m in mutants if m["name"] in only]

    broken = {m["name"]: p for m in mutants if (p := anchor_problem(ROOT, m))}
    for name, problem in broken.items():
        log(f"ANCHOR BROKEN  {name}: {problem}")
    if check_only:
        log(f"anchors: {len(mutants) - len(broken)} of {len(mutants)} found as often as expected")
        return 1 if broken else 0

    started = time.monotonic()
    scratch = tempfile.mkdtemp(prefix="mutation-gate-")
    killed = 0
    try:
        copy_tree(ROOT, scratch)
        result = build(scratch, full=True)
        if result.returncode != 0:
            log(result.stdout[-4000:])
            log("mutation gate: the unmutated scratch copy does not build")
            log(f"mutants: 0 killed of {len(mutants)}")
            return 1
        log(f"scratch copy built in {time.monotonic() - started:.0f} s: {scratch}")

        for m in mutants:
            if m["name"] in broken:
                log(f"{m['name']:<40} ANCHOR BROKEN")
                continue
            clock = time.monotonic()
            path = os.path.join(scratch, m["file"])
            with open(path, encoding="utf-8") as f:
                original = f.read()
            try:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(original.replace(m["find"], m["replace"], m.get("count", 1)))
                built = build(scratch, full=False)
                if built.returncode != 0:
                    verdict = "BUILD FAILED (fix the mutant)"
                    log(built.stdout[-2000:])
                else:
                    try:
                        tests = run(test_args(m), scratch, timeout=TEST_TIMEOUT)
                        total = re.findall(r"Total: (\d+)", tests.stdout)
                        if not total or int(total[-1]) == 0:
                            verdict = "NO TEST SELECTED (fix the mutant's test names)"
                        elif tests.returncode != 0:
                            verdict = "killed"
                            killed += 1
                        else:
                            verdict = "SURVIVED"
                    except subprocess.TimeoutExpired:
                        verdict = "killed (tests timed out)"
                        killed += 1
            finally:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(original)
            log(f"{m['name']:<40} {verdict:<12} {time.monotonic() - clock:6.1f} s")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    log(f"mutation gate took {time.monotonic() - started:.0f} s")
    log(f"mutants: {killed} killed of {len(mutants)}")
    return 0 if killed == len(mutants) and not broken else 1


if __name__ == "__main__":
    sys.exit(main())
