#!/bin/sh
# One-shot of the temporal-namespace-setup service (temporalio/admin-tools image), run once the Temporal server is
# healthy: makes sure Lethe's namespace and its custom search attributes exist (src/temporal/search-attributes.ts).
#
# Safe on every `docker compose up`: an existing namespace is left as it is (its retention included), and the
# server skips search attributes that already exist; one that exists with another type is an error.
set -eu

address=${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS is required}
namespace=${TEMPORAL_NAMESPACE:?TEMPORAL_NAMESPACE is required}
retention=${TEMPORAL_NAMESPACE_RETENTION:-72h}
max_attempts=60

# retry COMMAND...: runs COMMAND until it succeeds, at most $max_attempts times, 2 s apart.
retry() {
  attempt=1
  until "$@"; do
    if [ "$attempt" -ge "$max_attempts" ]; then
      echo "Giving up after $max_attempts attempts: $*" >&2
      return 1
    fi
    attempt=$((attempt + 1))
    sleep 2
  done
}

cluster_is_healthy() {
  temporal operator cluster health --address "$address" >/dev/null 2>&1
}

# Describe first; create only when that fails. A create that loses a race (or hits a server still starting) fails
# and is retried, and the next describe then succeeds.
namespace_exists() {
  if temporal operator namespace describe --address "$address" --namespace "$namespace" >/dev/null 2>&1; then
    echo "Namespace '$namespace' exists"
  else
    temporal operator namespace create --address "$address" --namespace "$namespace" --retention "$retention"
  fi
}

search_attributes_exist() {
  temporal operator search-attribute create --address "$address" --namespace "$namespace" \
    --name AccountState --type Keyword \
    --name AccountPlan --type Keyword \
    --name NextTransitionAt --type Datetime
}

echo "Waiting for Temporal at $address"
retry cluster_is_healthy
retry namespace_exists
retry search_attributes_exist
temporal operator search-attribute list --address "$address" --namespace "$namespace"
