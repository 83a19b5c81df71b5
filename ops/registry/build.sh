#!/usr/bin/env bash
# Builds the Apicurio Registry 2.4.2.Final uber-jar once into ${HPT_CACHE:-$HOME/.cache/hpt}/registry/
# and returns at once when it is already there. First build on a fresh machine downloads the
# registry's dependencies from Maven Central (minutes); later builds take ~50 s.
#   HPT_REGISTRY_REBUILD=1  build again even if the jar exists
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VERSION=2.4.2.Final
OUT="${HPT_CACHE:-$HOME/.cache/hpt}/registry"
JAR="$OUT/apicurio-registry-$VERSION.jar"

[ -f "$JAR" ] && [ -z "${HPT_REGISTRY_REBUILD:-}" ] && { echo "$JAR"; exit 0; }

mkdir -p "$OUT"
# One build at a time per cache, whoever asks (tests of several modules, several checkouts).
exec 9>"$OUT/.build.lock"
flock 9
[ -f "$JAR" ] && [ -z "${HPT_REGISTRY_REBUILD:-}" ] && { echo "$JAR"; exit 0; }

echo "building Apicurio Registry $VERSION into $OUT ..." >&2
# The settings file mirrors every repository to Maven Central (Apicurio's POMs name unreachable ones).
mvn -B -ntp -s "$HERE/settings.xml" -f "$HERE/pom.xml" -DskipTests clean package >&2
cp "$HERE/app/target/apicurio-registry-$VERSION-runner.jar" "$JAR.tmp"
mv -f "$JAR.tmp" "$JAR"
echo "$JAR"
