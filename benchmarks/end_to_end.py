"""End to end on the template corpus: eventledger run against bare spaCy, memory, a no-change rerun, 10 more documents.

Measured in one run on the same corpus (benchmarks/corpus.py), each
eventledger command in a process of its own, as a user runs it:

- bare spaCy: `nlp.pipe` over the corpus's sentences with the same model, in
  one process (the yardstick: parsing and nothing else);
- first run: `eventledger run` into an empty warehouse (wall time, sentences
  per second, the ratio to bare spaCy, peak RSS of the largest process);
- no-change rerun: the same command again (nothing to extract);
- 10 more: ten new documents added to the folder, then the same command.

    .venv/bin/python -m benchmarks.end_to_end --documents 500      # about 10,000 sentences
    .venv/bin/python -m benchmarks.end_to_end --documents 5000     # about 100,000 sentences
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.corpus import write_corpus
from benchmarks.throughput import bare_spacy

EXE = Path(sys.executable).parent / "eventledger"
#: Runs a command and prints its wall time and the peak RSS (KiB) of its largest process, as JSON.
MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
status = subprocess.run(sys.argv[1:]).returncode
print(json.dumps({"status": status, "seconds": time.perf_counter() - start,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def measured(args: list[str], extra_env: dict | None = None) -> dict:
    env = {**os.environ, **(extra_env or {})}
    out = subprocess.run([sys.executable, "-c", MEASURE, *args], capture_output=True, text=True, env=env)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["status"] != 0:
        raise SystemExit(f"{' '.join(args)} failed ({result['status']}):\n{out.stderr[-2000:]}")
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in result.items() if k != "status"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--export", default="run", choices=("run", "maintain", "never"))
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder, warehouse = Path(tmp) / "docs", Path(tmp) / "wh"
        paths = write_corpus(folder, args.documents)
        n_sentences, secs = bare_spacy(paths)
        result = {"documents": args.documents, "sentences": n_sentences, "cpus": os.cpu_count(),
                  "export": args.export, "bare_spacy_sentences_per_s": round(n_sentences / secs, 1)}
        command = [str(EXE), "run", str(folder), "--warehouse", str(warehouse), "--quiet"]
        if args.export != "run":  # the default; left out so that the same script measures versions before the lake
            command += ["--export", args.export]
        first = measured(command)
        result["first_run"] = {**first, "sentences_per_s": round(n_sentences / first["seconds"], 1)}
        result["ratio_to_bare_spacy"] = round(result["first_run"]["sentences_per_s"]
                                              / result["bare_spacy_sentences_per_s"], 2)
        rerun = measured(command)
        result["no_change_rerun"] = {**rerun, "share_of_first": round(rerun["seconds"] / first["seconds"], 3)}
        write_corpus(folder, 10, start=args.documents)
        result["ten_more_documents"] = measured(command)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
