# Sourced by every ops/bench/<name>/run: checks what a bench needs and builds its Java side.
#   source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
#   bench_needs java python3-torch python3-torchvision fashion-mnist
#   bench_build            # sets BENCH_CP (ops/bench's classes + runtime classpath of this checkout)
BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Each argument is a requirement; all missing ones are reported together, with how to get them.
bench_needs() {
  local missing=()
  for need in "$@"; do
    case "$need" in
      java) java -version >/dev/null 2>&1 || missing+=("java: a JDK 17 (apt-get install openjdk-17-jdk-headless)") ;;
      maven) command -v mvn >/dev/null || missing+=("mvn: Maven 3.8+ (apt-get install maven)") ;;
      python3-torch) /usr/bin/python3 -c 'import torch' >/dev/null 2>&1 ||
        missing+=("python3-torch: PyTorch for /usr/bin/python3 (apt-get install python3-torch)") ;;
      python3-torchvision) /usr/bin/python3 -c 'import torchvision' >/dev/null 2>&1 ||
        missing+=("python3-torchvision: torchvision for /usr/bin/python3 (apt-get install python3-torchvision)") ;;
      python3-numpy) /usr/bin/python3 -c 'import numpy' >/dev/null 2>&1 ||
        missing+=("python3-numpy: (apt-get install python3-numpy)") ;;
      fashion-mnist) [ -f "${HPT_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}/train-images-idx3-ubyte.gz" ] ||
        missing+=("Fashion-MNIST in ${HPT_FASHION_MNIST:-/usr/share/datasets/fashion-mnist} (apt-get install dataset-fashion-mnist, or set HPT_FASHION_MNIST)") ;;
      registry) [ -f "${HPT_CACHE:-$HOME/.cache/hpt}/registry/apicurio-registry-2.4.2.Final.jar" ] ||
        missing+=("the Apicurio registry jar: build it once with ops/registry/build.sh (Maven, network)") ;;
      *) missing+=("$need (unknown requirement)") ;;
    esac
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "$(basename "$(dirname "$0")") bench: missing what it needs:" >&2
    printf '  - %s\n' "${missing[@]}" >&2
    echo "(.ci/run installs all of them on Debian.)" >&2
    exit 2
  fi
}

# Builds ops/bench and what it depends on (the reactor of this checkout, not ~/.m2's copies).
bench_build() {
  (cd "$BENCH_ROOT" && mvn -B -q -Dmaven.test.skip=true -pl ops/bench -am package) >&2
  BENCH_CP="$BENCH_ROOT/ops/bench/target/classes:$(cat "$BENCH_ROOT/ops/bench/target/classpath.txt")"
}

# The CLI as ./hpt runs it, built when stale (for benches that time `hpt` commands).
bench_cli() {
  "$BENCH_ROOT/hpt" --version >/dev/null
  CLI_CP="$BENCH_ROOT/ops/cli/target/classes:$BENCH_ROOT/ops/cli/target/lib/*"
}
