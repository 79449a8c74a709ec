#!/usr/bin/env bash
# Checks a staged release (what `mvn -Prelease deploy -DaltDeploymentRepository=local::file:...`
# wrote) against Maven Central's rules, and zips it into a bundle for the Central Portal.
# Not run by CI; see RELEASING.md.
#
#   .ci/central-bundle.sh [--unsigned] [--check-only] [STAGING_DIR]   (default: target/staging)
#
# --unsigned    accept a dry run made with -Dgpg.skip (no .asc files)
# --check-only  check, do not zip (a SNAPSHOT staging is always check-only: Central refuses it)
#
# Checked for every library artifact (inventory-parent, inventory-bom, inventory-core,
# inventory-jdbc, inventory-micrometer, inventory-spring-boot-starter): a POM with name,
# description, url, a licence, a developer and scm; no ${...} in it that it does not define
# itself (or its parent does); no repositories; the jar, the sources jar and the javadoc jar
# for the jar modules; .md5 and .sha1 (and .asc, unless --unsigned) for every file; and nothing
# of inventory-examples or inventory-service. Writes target/central-bundle.zip.
set -euo pipefail
cd "$(dirname "$0")/.."

signed=true
check_only=false
staging=target/staging
for arg in "$@"; do
  case "$arg" in
    --unsigned) signed=false ;;
    --check-only) check_only=true ;;
    -*) echo "unknown option: $arg" >&2; exit 2 ;;
    *) staging="$arg" ;;
  esac
done
[ -d "$staging/dev/inventory" ] || { echo "no staged release in $staging" >&2; exit 1; }

python3 - "$staging" "$signed" <<'PY'
import os, re, sys, xml.etree.ElementTree as ET

staging, signed = sys.argv[1], sys.argv[2] == "true"
NS = {"m": "http://maven.apache.org/POM/4.0.0"}
LIBRARY = {"inventory-parent": "pom", "inventory-bom": "pom",
           "inventory-core": "jar", "inventory-jdbc": "jar",
           "inventory-micrometer": "jar", "inventory-spring-boot-starter": "jar"}
problems = []
root = os.path.join(staging, "dev", "inventory")

found = sorted(os.listdir(root))
for name in found:
    if name not in LIBRARY:
        problems.append(f"{name}: not a library artifact, must not be published")
for name in LIBRARY:
    if name not in found:
        problems.append(f"{name}: missing")

def text(pom, path):
    e = pom.find(path, NS)
    return e.text.strip() if e is not None and e.text and e.text.strip() else None

def properties(pom):
    props = pom.find("m:properties", NS)
    return {re.sub(r"\{.*\}", "", p.tag) for p in props} if props is not None else set()

parent_props = set()
poms = {}
for artifact in LIBRARY:
    versions = [v for v in os.listdir(os.path.join(root, artifact))
                if os.path.isdir(os.path.join(root, artifact, v))] if artifact in found else []
    for version in versions:
        d = os.path.join(root, artifact, version)
        files = sorted(f for f in os.listdir(d) if not f.startswith("maven-metadata"))
        main = [f for f in files if f.endswith(".pom")]
        if len(main) != 1:
            problems.append(f"{artifact} {version}: expected one POM, found {main}")
            continue
        base = main[0][:-len(".pom")]
        wanted = [base + ".pom"]
        if LIBRARY[artifact] == "jar":
            wanted += [base + ".jar", base + "-sources.jar", base + "-javadoc.jar"]
        for w in wanted:
            if w not in files:
                problems.append(f"{artifact}: {w} missing")
        for f in files:
            if f.endswith((".md5", ".sha1", ".asc", ".sha256", ".sha512")):
                continue
            for ext in [".md5", ".sha1"] + ([".asc"] if signed else []):
                if f + ext not in files:
                    problems.append(f"{artifact}: {f}{ext} missing")
        pom = ET.parse(os.path.join(d, main[0])).getroot()
        poms[artifact] = (pom, os.path.join(d, main[0]))

if "inventory-parent" in poms:
    parent_props = properties(poms["inventory-parent"][0])

for artifact, (pom, path) in poms.items():
    parent = pom.find("m:parent", NS)
    inherits = parent is not None
    if inherits and text(parent, "m:artifactId") not in poms:
        problems.append(f"{artifact}: its parent {text(parent, 'm:artifactId')} is not staged")
    for what, xpath in [("name", "m:name"), ("description", "m:description"), ("url", "m:url"),
                        ("licence", "m:licenses/m:license/m:name"),
                        ("developer", "m:developers/m:developer/m:name"),
                        ("scm url", "m:scm/m:url"), ("scm connection", "m:scm/m:connection")]:
        own = text(pom, xpath)
        # name and description must be the module's own; the rest may come from the parent.
        if own is None and inherits and what not in ("name", "description"):
            own = text(poms.get(text(parent, "m:artifactId"), (ET.Element("x"),))[0], xpath)
        if own is None:
            problems.append(f"{artifact}: POM has no {what}, neither its own nor inherited")
    if pom.find("m:repositories", NS) is not None or pom.find("m:pluginRepositories", NS) is not None:
        problems.append(f"{artifact}: POM declares repositories")
    defined = properties(pom) | (parent_props if inherits else set())
    with open(path, encoding="utf-8") as f:
        for ref in sorted(set(re.findall(r"\$\{([^}]+)\}", f.read()))):
            if not (ref.startswith("project.") or ref in defined):
                problems.append(f"{artifact}: POM refers to ${{{ref}}}, which nothing defines")
    if artifact == "inventory-bom":
        if inherits:
            problems.append("inventory-bom: has a parent (a BOM would bring the parent's entries)")
        managed = [text(d, "m:artifactId")
                   for d in pom.findall("m:dependencyManagement/m:dependencies/m:dependency", NS)]
        if sorted(managed) != ["inventory-core", "inventory-jdbc", "inventory-micrometer",
                               "inventory-spring-boot-starter"]:
            problems.append(f"inventory-bom: manages {managed}, not the library's jars")

for p in problems:
    print("PROBLEM: " + p)
if problems:
    sys.exit(1)
print(f"ok: {len(poms)} artifacts in {staging} meet Central's rules"
      + ("" if signed else " (unsigned dry run)"))
PY

if [ "$check_only" = true ] || ls -R "$staging" | grep -q -- '-SNAPSHOT'; then
  echo "not zipped (check only, or a SNAPSHOT: Central takes releases only)"
  exit 0
fi
rm -f target/central-bundle.zip
(cd "$staging" && zip -q -r -X "$OLDPWD/target/central-bundle.zip" . -x '*maven-metadata*')
echo "bundle: target/central-bundle.zip ($(unzip -l target/central-bundle.zip | tail -1 | awk '{print $2}') files)"
