#!/usr/bin/env bash
# Execute every notebook in demos/ headless with the tslab kernel; fail on any error or stderr output.
# Needs Debian's Jupyter (jupyter-nbconvert jupyter-client python3-ipykernel jupyter-core) and a build (npm run notebooks does it).
# The kernel (tslab, pinned in demos/notebook-kernel/package-lock.json) is installed here on first use, not by the first
# `npm ci`: it is what only the notebooks need.
#   bash demos/run-notebooks.sh            executed copies go to .demo-out/ (CI: the committed notebooks stay as they are)
#   bash demos/run-notebooks.sh --inplace  the outputs are written back into demos/*.ipynb, to be committed
set -euo pipefail
cd "$(dirname "$0")/.."
export JUPYTER_PATH="$PWD/.jupyter/share/jupyter"
export NODE_BACKEND=js
kernel="$PWD/demos/notebook-kernel"
if [ ! -x "$kernel/node_modules/.bin/tslab" ]; then
  echo "installing the notebook kernel (tslab) into demos/notebook-kernel"
  npm ci --prefix "$kernel" --no-audit --no-fund >/dev/null
fi
"$kernel/node_modules/.bin/tslab" install --python /usr/bin/python3 --prefix "$PWD/.jupyter" --binary "$kernel/node_modules/.bin/tslab" >/dev/null

# One notebook, executed into .demo-out/. A kernel that fails to start (under load zeromq can refuse the bind with EBUSY,
# and nbconvert then gives up with "Kernel didn't respond") is started again, once; a notebook failing as it runs is not.
run() {
  local log
  log="$(mktemp)"
  if (cd demos && jupyter nbconvert --to notebook --execute "$(basename "$1")" --output-dir ../.demo-out \
    --ExecutePreprocessor.kernel_name=tslab --ExecutePreprocessor.timeout=180) 2>"$log"; then
    rm -f "$log"
    return 0
  fi
  if grep -qE "Kernel didn't respond|EBUSY" "$log"; then
    echo "notebook $1: the kernel did not start; starting it again" >&2
    rm -f "$log"
    (cd demos && jupyter nbconvert --to notebook --execute "$(basename "$1")" --output-dir ../.demo-out \
      --ExecutePreprocessor.kernel_name=tslab --ExecutePreprocessor.timeout=180)
    return
  fi
  cat "$log" >&2
  rm -f "$log"
  return 1
}

rm -rf .demo-out
mkdir -p .demo-out
for nb in demos/*.ipynb; do
  echo "notebook $nb"
  run "$nb"
done
if grep -l '"name": "stderr"' .demo-out/*.ipynb; then
  echo "stderr output in the notebooks above" >&2
  exit 1
fi
if [ "${1:-}" = "--inplace" ]; then
  cp .demo-out/*.ipynb demos/
  echo "notebooks: all passed; outputs written to demos/"
else
  echo "notebooks: all passed"
fi
