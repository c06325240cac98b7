#!/usr/bin/env bash
# The README's screenshots, made the way a newcomer meets Atelier: `npm start` on its defaults (relative ./data) in a
# scratch copy of this checkout, `atelier bootstrap`, `users set-password`, `atelier login` and `atelier upload` of a
# few media files ffmpeg draws, a comment and a tag over the CLI, then Debian's Chromium signed in with that password.
#   bash scripts/readme-screenshots.sh            # writes docs/images/browse.png and docs/images/asset.png
# Needs: a built checkout (npm ci), ffmpeg, /usr/bin/chromium. Uses port 18080 unless PORT is set.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
port=${PORT:-18080}
work=$(mktemp -d /tmp/atelier-readme-XXXXXX)
server_pid=
cleanup() {
  status=$?
  if [ "$status" -ne 0 ] && [ -f "$work/server.log" ]; then echo "failed; the server's log:" >&2; tail -n 40 "$work/server.log" >&2; fi
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A scratch directory that runs this checkout's code, so ./data lands there and not in the checkout.
mkdir -p "$work/site" "$work/media/Key art" "$work/media/Animatics" "$work/config"
cd "$work/site"
atelier() { XDG_CONFIG_HOME="$work/config" node "$repo/bin/atelier.js" "$@"; }

PORT=$port node "$repo/bin/atelier.js" serve >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done

email=mira@northwind.example
boot=$(atelier bootstrap --json --account "Northwind Studio" --email "$email")
key=$(node -e 'console.log(JSON.parse(process.argv[1]).key)' "$boot")
secret=$(node -e 'console.log(JSON.parse(process.argv[1]).secret)' "$boot")
echo 'northwind password 1' | atelier users set-password "$email" >/dev/null
atelier login --url "http://127.0.0.1:$port" --key "$key" --secret "$secret" >/dev/null

# Media a studio might keep: stills, an animatic with sound, a turntable.
ff() { ffmpeg -loglevel error -y "$@"; }
ff -f lavfi -i "mandelbrot=size=1920x1080:end_pts=3" -frames:v 1 "$work/media/Key art/nebula-key-art.png"
ff -f lavfi -i "testsrc2=size=1600x1200" -frames:v 1 "$work/media/Key art/calibration-board.jpg"
ff -f lavfi -i "gradients=size=1920x1080:c0=0x1d3557:c1=0xe63946:c2=0xf1faee:n=3:seed=7" -frames:v 1 "$work/media/Key art/sunset-palette.png"
ff -f lavfi -i "cellauto=size=1280x720:rule=110" -frames:v 1 "$work/media/Key art/texture-rule-110.png"
ff -f lavfi -i "life=size=1280x720:mold=10:ratio=0.3:seed=3:life_color=#e9c46a:death_color=#264653" -frames:v 1 "$work/media/Key art/moss-texture.png"
ff -f lavfi -i "smptehdbars=size=1920x1080" -frames:v 1 "$work/media/Key art/bars.png"
ff -f lavfi -i "testsrc2=size=1280x720:rate=25:duration=6" -f lavfi -i "sine=frequency=440:duration=6" \
  -c:v libx264 -pix_fmt yuv420p -c:a aac -shortest "$work/media/Animatics/sc010-animatic.mp4"
ff -f lavfi -i "mandelbrot=size=1280x720:rate=25" -t 4 -c:v libx264 -pix_fmt yuv420p "$work/media/Animatics/sc020-turntable.mp4"
ff -f lavfi -i "aevalsrc=sin(220*2*PI*t)*exp(-3*mod(t\,1)):d=8" -c:a libmp3lame "$work/media/Animatics/sc010-temp-score.mp3"

atelier upload "$work/media/Key art" "$work/media/Animatics" --to /Projects/Nebula/ >/dev/null
atelier comment "/Projects/Nebula/Key art/nebula-key-art.png" "Love the palette. Can we push the glow on the left a bit?" >/dev/null
asset=$(atelier info "/Projects/Nebula/Key art/nebula-key-art.png" --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).id))')

# Thumbnails and proxies are made by the server's worker: wait until the video's proxy exists.
sleep 8

cd "$repo"
REPO="$repo" BASE="http://127.0.0.1:$port" EMAIL="$email" PASSWORD='northwind password 1' ASSET="$asset" \
  node --input-type=module -e "$(cat <<'EOF'
import { chromium } from 'playwright-core';
import { join } from 'node:path';
const { REPO, BASE, EMAIL, PASSWORD, ASSET } = process.env;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(20_000);
  await page.goto(`${BASE}/sign-in`);
  await page.getByLabel('E-mail').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL(/\/browse/);
  try {
    await page.waitForFunction(() => document.querySelectorAll('[aria-label="Assets"] img').length >= 8);
  } catch (e) {
    await page.screenshot({ path: '/tmp/readme-debug.png' });
    throw e;
  }
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(REPO, 'docs/images/browse.png') });
  await page.goto(`${BASE}/a/${ASSET}`);
  // Not 'networkidle': the page keeps its live event stream open.
  await page.locator('main img').first().waitFor();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(REPO, 'docs/images/asset.png') });
} finally {
  await browser.close();
}
EOF
)"
echo "wrote docs/images/browse.png and docs/images/asset.png"
