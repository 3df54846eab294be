#!/usr/bin/env bash
# Execute every notebook in demos/ headless with the tslab kernel; fail on any error or stderr output.
# Needs Debian's Jupyter (jupyter-nbconvert jupyter-client python3-ipykernel jupyter-core) and a build (npm run notebooks does it).
#   bash demos/run-notebooks.sh            executed copies go to .demo-out/ (CI: the committed notebooks stay as they are)
#   bash demos/run-notebooks.sh --inplace  the outputs are written back into demos/*.ipynb, to be committed
set -euo pipefail
cd "$(dirname "$0")/.."
export JUPYTER_PATH="$PWD/.jupyter/share/jupyter"
export NODE_BACKEND=js
if [ ! -f "$JUPYTER_PATH/kernels/tslab/kernel.json" ]; then
  node_modules/.bin/tslab install --python /usr/bin/python3 --prefix "$PWD/.jupyter" --binary "$PWD/node_modules/.bin/tslab" >/dev/null
fi
rm -rf .demo-out
mkdir -p .demo-out
for nb in demos/*.ipynb; do
  echo "notebook $nb"
  (cd demos && jupyter nbconvert --to notebook --execute "$(basename "$nb")" --output-dir ../.demo-out \
    --ExecutePreprocessor.kernel_name=tslab --ExecutePreprocessor.timeout=180)
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
