#!/usr/bin/env bash
# Installs what the real local stack needs, idempotently; a no-op (well under a second) when all is present.
#   - PostgreSQL, Redis and chromium (the web app's browser tests) from Debian's packages (apt-get, only
#     when missing);
#   - a Java >= 24 runtime for Trino 476 (checked, not installed: Temurin 25 or JAVA_HOME);
#   - Trino 476 (server core + postgresql, mongodb, druid, memory plugins) and mongo-java-server with its
#     H2 backend, fetched with Maven into ~/.cache/kpi-engine (KPI_CACHE_DIR), so a second run is offline;
#   - Apache Druid 33 with ZooKeeper and Java 17 (scripts/install-druid.sh).
# Run by `npm test` (scripts/test.sh) before every run and by `npm run stack:install`.
set -euo pipefail

CACHE="${KPI_CACHE_DIR:-$HOME/.cache/kpi-engine}"
TRINO_VERSION=476
MONGO_JAVA_SERVER_VERSION=1.47.0
SLF4J_VERSION=2.0.17
TRINO_HOME="$CACHE/trino/trino-server-$TRINO_VERSION"
MONGO_LIB="$CACHE/mongo/lib-$MONGO_JAVA_SERVER_VERSION"

say() { printf 'install-prereqs: %s\n' "$*"; }
die() {
  printf 'install-prereqs: error: %s\n' "$*" >&2
  exit 1
}

# --- Debian packages -----------------------------------------------------------------------------
missing_packages=()
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing_packages+=(postgresql)
command -v redis-server >/dev/null || missing_packages+=(redis-server)
command -v mvn >/dev/null || missing_packages+=(maven)
command -v unzip >/dev/null || missing_packages+=(unzip)
# The web app's browser tests drive Debian's chromium (Playwright's own browser downloads need the internet).
[[ -x /usr/bin/chromium || -n ${CHROMIUM_PATH:-} ]] || missing_packages+=(chromium)
# The SQL endpoint's auth test puts TLS (a self-signed certificate) in front of the service.
command -v openssl >/dev/null || missing_packages+=(openssl)
if ((${#missing_packages[@]} > 0)); then
  SUDO=''
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || die "missing ${missing_packages[*]}; install them (apt-get install ${missing_packages[*]}) or run as root"
    SUDO='sudo'
  fi
  say "installing ${missing_packages[*]} with apt-get"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing_packages[@]}"
fi

# --- Java >= 24 for Trino 476 ---------------------------------------------------------------------
java_major() { # prints the major version of the JDK at $1, from its `release` file (no JVM start)
  [[ -x "$1/bin/java" && -f "$1/release" ]] || return 1
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
}
java_home=''
for candidate in "${KPI_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
  [[ -n $candidate ]] || continue
  major=$(java_major "$candidate" || true)
  if [[ -n $major && $major -ge 24 ]]; then
    java_home=$candidate
    break
  fi
done
[[ -n $java_home ]] || die "Trino $TRINO_VERSION needs Java >= 24, none found (looked at KPI_JAVA_HOME, JAVA_HOME, /usr/lib/jvm/*).
  Install Temurin 25 (https://adoptium.net/installation/linux/: apt-get install temurin-25-jdk) or set JAVA_HOME to a JDK >= 24."

# --- Maven artifacts -------------------------------------------------------------------------------
mvn_quiet() { # Maven's output only when it fails (its quiet mode still prints colour resets)
  local output
  output=$(mvn -B -q -ntp "$@" 2>&1) || {
    printf '%s\n' "$output" >&2
    die "mvn $* failed (is Maven Central reachable?)"
  }
}
DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

# The postgresql, mongodb and druid plugin zips of 476 are not on Maven Central (only 356, 368, 449 are),
# but the full server tarball of 476 carries them: unpack just those plugin folders into a cache of their
# own, then drop the 800 MB tarball (a throwaway local repository keeps it out of ~/.m2). The marker
# lists the plugins it holds: a cache from before the druid plugin is refilled once.
TARBALL_PLUGINS=(postgresql mongodb druid)
PLUGIN_CACHE="$CACHE/trino/plugins-$TRINO_VERSION"
PLUGIN_MARKER="$PLUGIN_CACHE/.kpi-complete-$(IFS=-; echo "${TARBALL_PLUGINS[*]}")"
if [[ ! -f $PLUGIN_MARKER ]]; then
  say "fetching the ${TARBALL_PLUGINS[*]} plugins of Trino $TRINO_VERSION into $PLUGIN_CACHE"
  scratch="$CACHE/trino/.scratch"
  rm -rf "$scratch" && mkdir -p "$scratch"
  mvn_quiet "$DEP_PLUGIN:copy" -Dmaven.repo.local="$scratch/m2" \
    -Dartifact="io.trino:trino-server:$TRINO_VERSION:tar.gz" -DoutputDirectory="$scratch"
  # Jars shared between plugins are hard links inside the tarball: extract it whole, copy the folders.
  tar -xzf "$scratch/trino-server-$TRINO_VERSION.tar.gz" -C "$scratch"
  rm -rf "$PLUGIN_CACHE" && mkdir -p "$PLUGIN_CACHE"
  for plugin in "${TARBALL_PLUGINS[@]}"; do
    cp -r "$scratch/trino-server-$TRINO_VERSION/plugin/$plugin" "$PLUGIN_CACHE/"
  done
  touch "$PLUGIN_MARKER"
  rm -rf "$scratch"
fi

if [[ ! -f "$TRINO_HOME/.kpi-complete" ]]; then
  say "fetching Trino $TRINO_VERSION into $CACHE/trino"
  mkdir -p "$CACHE/trino"
  for artifact in "trino-server-core:$TRINO_VERSION:tar.gz" "trino-memory:$TRINO_VERSION:zip"; do
    file="$CACHE/trino/${artifact%%:*}-$TRINO_VERSION.${artifact##*:}"
    [[ -s $file ]] || mvn_quiet "$DEP_PLUGIN:copy" -Dartifact="io.trino:$artifact" -DoutputDirectory="$CACHE/trino"
  done
  rm -rf "$TRINO_HOME.partial" && mkdir -p "$TRINO_HOME.partial"
  tar -xzf "$CACHE/trino/trino-server-core-$TRINO_VERSION.tar.gz" -C "$TRINO_HOME.partial" --strip-components=1
  unzip -q "$CACHE/trino/trino-memory-$TRINO_VERSION.zip" -d "$TRINO_HOME.partial/plugin"
  mv "$TRINO_HOME.partial/plugin/trino-memory-$TRINO_VERSION" "$TRINO_HOME.partial/plugin/memory"
  touch "$TRINO_HOME.partial/.kpi-complete"
  rm -rf "$TRINO_HOME" && mv "$TRINO_HOME.partial" "$TRINO_HOME"
fi
# A Trino installed before a plugin joined the list gets it added (a plugin folder is read at boot only).
for plugin in "${TARBALL_PLUGINS[@]}"; do
  [[ -d "$TRINO_HOME/plugin/$plugin" ]] || cp -r "$PLUGIN_CACHE/$plugin" "$TRINO_HOME/plugin/"
done

if [[ ! -f "$MONGO_LIB/.kpi-complete" ]]; then
  # de.bwaldvogel:mongo-java-server is an empty aggregator: take the core, the H2 (MVStore) backend for
  # persistence and their runtime dependencies (netty, h2, slf4j) from a tiny generated pom.
  say "fetching mongo-java-server $MONGO_JAVA_SERVER_VERSION into $MONGO_LIB"
  mkdir -p "$CACHE/mongo"
  cat >"$CACHE/mongo/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>kpi-engine</groupId>
  <artifactId>mongo-java-server-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>de.bwaldvogel</groupId><artifactId>mongo-java-server-h2-backend</artifactId><version>$MONGO_JAVA_SERVER_VERSION</version></dependency>
    <dependency><groupId>de.bwaldvogel</groupId><artifactId>mongo-java-server-memory-backend</artifactId><version>$MONGO_JAVA_SERVER_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>$SLF4J_VERSION</version></dependency>
  </dependencies>
</project>
POM
  rm -rf "$MONGO_LIB.partial"
  mvn_quiet -f "$CACHE/mongo/pom.xml" "$DEP_PLUGIN:copy-dependencies" -DincludeScope=runtime \
    -DoutputDirectory="$MONGO_LIB.partial"
  touch "$MONGO_LIB.partial/.kpi-complete"
  rm -rf "$MONGO_LIB" && mv "$MONGO_LIB.partial" "$MONGO_LIB"
fi

# --- Trino's own clients, for the SQL endpoint's tests (test/integration/sql-endpoint-*) -----------------
# The CLI's executable jar and the JDBC driver from Maven Central; the Python client, SQLAlchemy's trino
# dialect and pandas in a virtualenv. Each is skipped when present, so a second run stays offline.
CLIENTS="$CACHE/trino-clients"
if [[ ! -f "$CLIENTS/.kpi-complete-$TRINO_VERSION" ]]; then
  say "fetching the Trino CLI and JDBC driver $TRINO_VERSION into $CLIENTS"
  mkdir -p "$CLIENTS"
  [[ -s "$CLIENTS/trino-cli-$TRINO_VERSION-executable.jar" ]] ||
    mvn_quiet "$DEP_PLUGIN:copy" -Dartifact="io.trino:trino-cli:$TRINO_VERSION:jar:executable" -DoutputDirectory="$CLIENTS"
  [[ -s "$CLIENTS/trino-jdbc-$TRINO_VERSION.jar" ]] ||
    mvn_quiet "$DEP_PLUGIN:copy" -Dartifact="io.trino:trino-jdbc:$TRINO_VERSION" -DoutputDirectory="$CLIENTS"
  touch "$CLIENTS/.kpi-complete-$TRINO_VERSION"
fi
PY_VENV="$CACHE/python-trino"
PY_PACKAGES=('trino[sqlalchemy]==0.340.0' 'pandas>=2,<3')
if [[ ! -f "$PY_VENV/.kpi-complete" ]]; then
  if command -v python3 >/dev/null && python3 -c 'import venv, ensurepip' 2>/dev/null; then
    say "installing the trino Python client, SQLAlchemy and pandas into $PY_VENV"
    rm -rf "$PY_VENV"
    python3 -m venv "$PY_VENV"
    "$PY_VENV/bin/pip" install -q --disable-pip-version-check "${PY_PACKAGES[@]}" ||
      die "pip install ${PY_PACKAGES[*]} failed (is PyPI reachable?)"
    touch "$PY_VENV/.kpi-complete"
  else
    say "warning: python3 with venv is missing: the Python client tests of the SQL endpoint will be skipped"
  fi
fi

# --- Apache Druid for the optional Druid part of the stack (`stack:up -- --with druid`, the Druid tests) ---
bash "$(dirname "$0")/install-druid.sh"

[[ -n ${KPI_INSTALL_QUIET:-} ]] || say "ok (java: $java_home, trino: $TRINO_HOME, mongo-java-server: $MONGO_LIB)"
