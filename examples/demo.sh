#!/usr/bin/env bash
# The worked example: checks a TF-IDF + logistic-regression spam filter
# against three performance goals on the SpamAssassin public corpus.
#
# Run it with `./run demo`, which starts the cluster first, or by hand
# after `./run up`. The CLI `goalpost` must be on PATH (build/bin) and reads
# the service addresses from GOALPOST_ORCHESTRATOR, GOALPOST_DATASETS, ...
# (default: the local cluster on 127.0.0.1:50051-50055). Every run creates
# a new project named spam-demo-<UTC time>, so the script can run again
# on the same cluster.
set -euo pipefail

EXAMPLES=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DATA=$EXAMPLES/spamassassin
PYTHON=/usr/bin/python3
GOALPOST=${GOALPOST_CLI:-goalpost}
if ! command -v "$GOALPOST" >/dev/null; then
  GOALPOST=$EXAMPLES/../build/bin/goalpost
fi

step() {
  echo
  echo "=== $* ==="
}

# Prints the shell command, then runs it, so the demo doubles as a tutorial.
show() {
  printf '$ goalpost'
  printf ' %q' "$@"
  printf '\n'
  "$GOALPOST" "$@"
}

# Reads one field of the JSON on stdin, e.g. `field name` or
# `field reports 2 name` for reports[2].name.
field() {
  "$PYTHON" -c '
import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1:]:
    value = value[int(key)] if isinstance(value, list) else value[key]
print(value)' "$@"
}

step "0. Is the cluster up?"
if ! show health; then
  echo "demo: the cluster is not serving; start it with ./run up" >&2
  exit 1
fi

project=spam-demo-$(date -u +%Y%m%d-%H%M%S)
step "1. Create the project $project"
show project create "$project" --task text-classification --classes ham,spam

step "2. Upload the training and validation sets"
# The files also hold the model's own predictions; they are left out here,
# so the first run has the registered model predict every row.
upload() {
  "$GOALPOST" dataset upload "$1" --project "$project" --role "$2" --id-column id \
    --text-column text --label-column label --categorical-columns group --output json
}
echo "$ goalpost dataset upload $DATA/training.csv --project $project --role training --id-column id --text-column text --label-column label --categorical-columns group"
training=$(upload "$DATA/training.csv" training | field name)
echo "$ goalpost dataset upload $DATA/validation.csv --project $project --role validation ..."
validation=$(upload "$DATA/validation.csv" validation | field name)
show dataset show "$training"
show dataset show "$validation"

step "3. Register the model (scikit-learn TF-IDF + logistic regression, exported to JSON)"
model=$("$GOALPOST" model upload "$DATA/spam_tfidf_logreg.json" --project "$project" \
  --kind tfidf-logistic-regression --name spam-tfidf-logreg --text-column text --output json |
  field name)
show model show "$model"

step "4. Commit the model with its data; the commit queues an evaluation run"
commit=$("$GOALPOST" commit create --project "$project" --training "$training" \
  --validation "$validation" --model "$model" --message "TF-IDF + logistic regression, C=0.3" \
  --output json | field name)
echo "commit: $commit"
show run wait "$("$GOALPOST" commit show "$commit" --output json | field run)"

step "5. Explore a subpopulation before making it a goal"
show metrics --dataset "$validation" --model "$model" --subpopulation 'text has all("free", "money")'

step "6. Create three goals; each is evaluated at once on the latest commit"
show goal create --project "$project" --name "Macro F1 on the validation set" \
  --threshold 'f1[macro] >= 0.9' --wait
show goal create --project "$project" --name "Spam precision on free money" \
  --subpopulation 'text has all("free", "money")' --threshold 'precision[spam] >= 0.95' --wait
# hard-ham-1 contains ham mails that look like spam; the model gets 68 of 75
# right (accuracy 0.907), so this goal fails.
show goal create --project "$project" --name "Accuracy on hard ham" \
  --subpopulation 'group == "hard-ham-1"' --threshold 'accuracy >= 0.95' --wait

step "7. Goal cards of the commit"
show report list --commit "$commit"

step "8. Training versus validation metrics of the commit"
show metrics --commit "$commit"

reports=$("$GOALPOST" report list --commit "$commit" --output json)
failing=$(echo "$reports" | "$PYTHON" -c '
import json, sys
cards = json.load(sys.stdin)["reports"]
print(next(c["name"] for c in cards if c["status"] == "failed"))')

step "9. The failing report in full"
show report show "$failing"

step "10. Row analysis: misclassified rows first, least confident first"
show report rows "$failing" --page-size 8

row=$("$GOALPOST" report rows "$failing" --page-size 1 --output json | field rows 0 id)
step "11. Why did the model call ham row $row spam? A LIME explanation"
show explain "$failing" --row "$row" --seed 0

step "Done"
cat <<EOF
The cluster keeps running. Explore it with the CLI (add --output json for
machine-readable output), for example:
  goalpost report list --commit $commit
  goalpost report rows $failing --page-size 20
  goalpost metrics --dataset $validation --model $model --subpopulation 'text has "viagra"'
  goalpost goal create --project $project --name "Spam recall" --threshold 'recall[spam] >= 0.9' --wait
  goalpost --help
Stop it with: ./run down
EOF
