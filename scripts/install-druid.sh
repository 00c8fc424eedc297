#!/usr/bin/env bash
# Apache Druid 33 for the local stack (src/stack/local/druid.ts), idempotently; a no-op when present.
#   - Java 17 (Druid 33 runs on 17 or 21, not on Trino's 25): Debian's openjdk-17-jre-headless when no
#     JDK 17/21 is found;
#   - org.apache.druid:druid-services with its runtime dependencies (ZooKeeper, Derby, Curator among them)
#     and the druid-datasketches extension, resolved from Maven Central with maven-dependency-plugin into
#     one classpath folder, ~/.cache/kpi-engine/druid/lib-33.0.0 (KPI_CACHE_DIR). Druid finds the extension
#     on that classpath (druid/conf: druid.extensions.searchCurrentClassloader).
# Metadata lives in Derby and ingestion is native batch: postgresql-metadata-storage and
# druid-multi-stage-query are not needed. org.hyperic:sigar (a native system-metrics library that Maven
# Central does not serve) is excluded; nothing here turns on the monitors that use it.
# Called by scripts/install-prereqs.sh.
set -euo pipefail

CACHE="${KPI_CACHE_DIR:-$HOME/.cache/kpi-engine}"
DRUID_VERSION=33.0.0
DRUID_LIB="$CACHE/druid/lib-$DRUID_VERSION"
DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

say() { printf 'install-druid: %s\n' "$*"; }
die() {
  printf 'install-druid: error: %s\n' "$*" >&2
  exit 1
}

# --- Java 17 or 21 --------------------------------------------------------------------------------
druid_java=''
for candidate in "${KPI_DRUID_JAVA_HOME:-}" /usr/lib/jvm/*; do
  [[ -n $candidate && -x "$candidate/bin/java" && -f "$candidate/release" ]] || continue
  major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$candidate/release")
  if [[ $major == 17 || $major == 21 ]]; then
    druid_java=$candidate
    break
  fi
done
if [[ -z $druid_java ]]; then
  SUDO=''
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || die 'Druid needs Java 17 or 21: apt-get install openjdk-17-jre-headless, or set KPI_DRUID_JAVA_HOME'
    SUDO='sudo'
  fi
  say 'installing openjdk-17-jre-headless with apt-get (Druid runs on Java 17 or 21)'
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless
fi

# --- Druid's jars -----------------------------------------------------------------------------------
[[ -f "$DRUID_LIB/.kpi-complete" ]] && exit 0
say "resolving Druid $DRUID_VERSION (druid-services, druid-datasketches, ZooKeeper) into $DRUID_LIB"
mkdir -p "$CACHE/druid"
cat >"$CACHE/druid/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>kpi-engine</groupId>
  <artifactId>druid-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.druid</groupId><artifactId>druid-services</artifactId><version>$DRUID_VERSION</version>
      <exclusions><exclusion><groupId>org.hyperic</groupId><artifactId>sigar</artifactId></exclusion></exclusions>
    </dependency>
    <dependency>
      <groupId>org.apache.druid.extensions</groupId><artifactId>druid-datasketches</artifactId><version>$DRUID_VERSION</version>
    </dependency>
  </dependencies>
</project>
POM
rm -rf "$DRUID_LIB.partial"
output=$(mvn -B -q -ntp -f "$CACHE/druid/pom.xml" "$DEP_PLUGIN:copy-dependencies" -DincludeScope=runtime \
  -DoutputDirectory="$DRUID_LIB.partial" 2>&1) || {
  printf '%s\n' "$output" >&2
  die 'mvn failed to resolve Druid (is Maven Central reachable?)'
}
touch "$DRUID_LIB.partial/.kpi-complete"
rm -rf "$DRUID_LIB" && mv "$DRUID_LIB.partial" "$DRUID_LIB"
say "Druid $DRUID_VERSION ready ($(find "$DRUID_LIB" -name '*.jar' | wc -l) jars)"
