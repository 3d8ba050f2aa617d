#!/usr/bin/env bash
# The packaging check (issue 16): what a platform team gets from `npm install @takeover/…`.
#  1. `npm pack` every package under packages/* (each one's `prepack` builds it).
#  2. publint and @arethetypeswrong/cli on each tarball: any error fails.
#  3. A clean project OUTSIDE the workspace installs the tarballs with an isolated install
#     (`--install-strategy=linked`: only declared dependencies are reachable, as under pnpm), plus
#     the peers the program needs and nothing else.
#  4. The README's quick start (test/quickstart/quickstart.ts) type-checks with `strict` and
#     `skipLibCheck: false` under moduleResolution NodeNext and bundler, then runs from the
#     installed tarballs: it must print the push's notification and exit 0.
#  5. test/quickstart/misuse.ts (`await engine.execute(cmd)` without `()`, a dropped `engine.run`)
#     type-checks, and typescript-eslint's await-thenable and no-floating-promises report both.
# Usage: bash scripts/pack-check.sh   (about a minute with a warm npm cache)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
work="$(mktemp -d "${TMPDIR:-/tmp}/takeover-pack-check.XXXXXX")"
[ -n "${PACK_CHECK_KEEP:-}" ] && echo "keeping $work" || trap 'rm -rf "$work"' EXIT
started=$SECONDS
step() { printf '\n== %s (%ds)\n' "$1" $((SECONDS - started)); }

step "pack every package"
mkdir -p "$work/tarballs"
workspaces=()
for dir in packages/*/; do workspaces+=(--workspace "${dir%/}"); done
npm pack --silent "${workspaces[@]}" --pack-destination "$work/tarballs" >/dev/null
tarballs=("$work"/tarballs/*.tgz)
for tgz in "${tarballs[@]}"; do
  # Every tarball carries the licence and the built entry point, not only the sources.
  for file in package/LICENSE package/dist/index.js package/dist/index.d.ts; do
    tar -tzf "$tgz" "$file" >/dev/null 2>&1 || { echo "$(basename "$tgz"): $file is missing" >&2; exit 1; }
  done
done
echo "${#tarballs[@]} tarballs"

step "publint and attw on each tarball (in the background, alongside the install)"
lint() {
  local tgz="$1" name out
  name="$(basename "$tgz")"
  out="$(npx --no-install publint run "$tgz" --level warning --pack false 2>&1)" || { echo "$out"; echo "publint failed: $name" >&2; return 1; }
  # ESM-only packages: the node10 and require() rows do not apply (`--profile esm-only`).
  out="$(npx --no-install attw "$tgz" --profile esm-only --format table-flipped --no-summary 2>&1)" || { echo "$out"; echo "attw failed: $name" >&2; return 1; }
  echo "ok  $name"
}
export -f lint
printf '%s\0' "${tarballs[@]}" | xargs -0 -n 1 -P 2 bash -c 'lint "$0"' >"$work/lint.log" 2>&1 &
lint_pid=$!

step "install the tarballs into a clean project outside the workspace (--install-strategy=linked)"
app="$work/app"
mkdir -p "$app"
cp test/quickstart/quickstart.ts test/quickstart/misuse.ts "$app/"
printf '{ "name": "takeover-consumer", "private": true, "type": "module" }\n' >"$app/package.json"
# The peers a Google + SQLite program owns, at the versions the workspace tests with (a warm cache).
version() { node -p "require('$root/node_modules/$1/package.json').version"; }
peers=()
for dep in fp-ts undici-types @googleapis/admin google-auth-library better-sqlite3 @types/better-sqlite3 @types/node typescript eslint typescript-eslint; do
  peers+=("$dep@$(version "$dep")")
done
# --ignore-scripts: better-sqlite3's install script would fetch a prebuilt binary from GitHub or
# compile SQLite (minutes); the workspace already built that exact version for this Node, so its
# addon is copied in below. Nothing else in the tree needs an install script.
(cd "$app" && npm install --install-strategy=linked --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error \
  "${tarballs[@]}" "${peers[@]}" >/dev/null)
sqlite="$(cd "$app" && node -p "require('node:path').dirname(require.resolve('better-sqlite3/package.json'))")"
mkdir -p "$sqlite/build/Release"
cp "$root/node_modules/better-sqlite3/build/Release/better_sqlite3.node" "$sqlite/build/Release/"
# The install must have used the tarballs, not the workspace.
for pkg in "$app"/node_modules/@takeover/*; do
  case "$(readlink -f "$pkg")" in "$root"/*) echo "$pkg resolves into the workspace" >&2; exit 1 ;; esac
done
ls "$app/node_modules/@takeover" | sed 's/^/  @takeover\//'

step "type-check the quick start: strict, skipLibCheck false, NodeNext and bundler"
# gaxios (under google-auth-library) imports undici-types in its .d.ts without declaring it: under an
# isolated install only `paths` makes it visible. Ours declare everything their .d.ts import.
common='"strict": true, "skipLibCheck": false, "target": "ES2022", "lib": ["ES2023"], "types": ["node"], "paths": { "undici-types": ["./node_modules/undici-types"] }'
printf '{ "compilerOptions": { %s, "module": "NodeNext", "moduleResolution": "NodeNext", "outDir": "dist" }, "files": ["quickstart.ts", "misuse.ts"] }\n' "$common" >"$app/tsconfig.json"
printf '{ "compilerOptions": { %s, "module": "ESNext", "moduleResolution": "bundler", "noEmit": true }, "files": ["quickstart.ts", "misuse.ts"] }\n' "$common" >"$app/tsconfig.bundler.json"
(cd "$app" && npx --no-install tsc -p tsconfig.json && echo "  NodeNext: ok") & nodenext_pid=$!
(cd "$app" && npx --no-install tsc -p tsconfig.bundler.json && echo "  bundler: ok") & bundler_pid=$!
wait "$nodenext_pid" && wait "$bundler_pid"

step "lint reports the forgotten task and the dropped promise (test/quickstart/misuse.ts)"
cat >"$app/eslint.config.mjs" <<'LINT'
import tseslint from 'typescript-eslint';
export default [{
  files: ['misuse.ts'],
  languageOptions: { parser: tseslint.parser, parserOptions: { project: './tsconfig.json' } },
  plugins: { '@typescript-eslint': tseslint.plugin },
  rules: { '@typescript-eslint/await-thenable': 'error', '@typescript-eslint/no-floating-promises': 'error' },
}];
LINT
lint_out="$(cd "$app" && npx --no-install eslint misuse.ts 2>&1)" && { echo "eslint reported nothing on misuse.ts" >&2; exit 1; }
for rule in await-thenable no-floating-promises; do
  grep -q "@typescript-eslint/$rule" <<<"$lint_out" || { echo "$lint_out"; echo "eslint did not report $rule on misuse.ts" >&2; exit 1; }
done
echo "  await-thenable and no-floating-promises: both reported"

step "run the quick start from the installed tarballs"
out="$(cd "$app" && node dist/quickstart.js)"
echo "  $out"
[ "$out" = 'Your password was updated in Google Workspace (example.com).' ] || { echo "unexpected output" >&2; exit 1; }

step "publint and attw results"
lint_ok=0; wait "$lint_pid" || lint_ok=$?
cat "$work/lint.log"
[ "$lint_ok" -eq 0 ] || { echo "publint/attw reported errors" >&2; exit 1; }

step "pack check passed"
