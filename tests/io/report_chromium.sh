#!/usr/bin/env bash
# report.html checked as a person would (issue 6): the default run's report (with 20
# virtual patients, so the uncertainty plot is in it) opens in headless
# Chromium from disk with the network off, every image in it loads (naturalWidth > 0), the page
# logs no console message and raises no error, and a screenshot is saved beside the test
# (build/tests/report_chromium/report.png) to look at.
# A probe script is added to a copy of the page: it records errors from the first moment and,
# on load, writes the image results into the DOM that --dump-dom prints. A copy with one image
# broken on purpose must be caught, so the check itself is known to work.
. "$(dirname "$0")/../cli/common.bash"
CHROMIUM=$(command -v chromium || command -v chromium-browser) ||
    { fail "chromium not installed (Debian package chromium, in .ci/debian-packages.txt)"; finish; }
SHOTS="$PWD/report_chromium"
mkdir -p "$SHOTS"
cd "$WORK"
"$MNSIM_EXE" run -o out --samples 20 --quiet || fail "default run with --samples 20"
[ -f out/report.html ] || { fail "no report.html"; finish; }

chrome() { # chrome PROFILE ARGS... : headless, no network, no sandbox (CI runs as root)
    local profile=$1
    shift
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --disable-dev-shm-usage --user-data-dir="$WORK/$profile" --enable-logging=stderr --v=0 \
        --virtual-time-budget=10000 "$@"
}

PROBE='<script>
var mnsimErrors = [];
window.addEventListener("error", function (e) {
  mnsimErrors.push(e.message || ("resource " + (e.target && (e.target.alt || e.target.src || "").slice(0, 60))));
}, true);
["error", "warn", "log", "info"].forEach(function (k) {
  var orig = console[k];
  console[k] = function () { mnsimErrors.push("console." + k + ": " + [].join.call(arguments, " ")); orig.apply(console, arguments); };
});
window.addEventListener("load", function () {
  var imgs = document.images, bad = [];
  for (var i = 0; i < imgs.length; i++)
    if (!imgs[i].complete || imgs[i].naturalWidth === 0) bad.push(imgs[i].alt);
  var d = document.createElement("pre");
  d.id = "mnsim-probe";
  d.textContent = "PROBE" + "-RESULT images=" + imgs.length + " broken=" + bad.length + " errors=" + mnsimErrors.length + " :: " + bad.concat(mnsimErrors).join(" | ");
  document.body.appendChild(d);
});
</script>'

probe() { # probe HTML PROFILE -> prints the probe line; console lines go to $WORK/PROFILE.log
    PROBE="$PROBE" python3 -c 'import os, sys
html = open(sys.argv[1], encoding="utf-8").read()
open(sys.argv[2], "w", encoding="utf-8").write(html.replace("<head>", "<head>" + os.environ["PROBE"], 1))
' "$1" "$1.probe.html"
    chrome "$2" --dump-dom "file://$1.probe.html" 2> "$WORK/$2.log" | grep -o 'PROBE-RESULT [^<]*'
}

line=$(probe "$WORK/out/report.html" p1)
echo "report: $line"
nimg=$(grep -o 'src="data:image/png;base64,' out/report.html | wc -l)
nplots=$(ls out/plots/*.png | wc -l)
[ "$nimg" -ge 2 ] || fail "report embeds $nimg images"
[ "$nimg" -eq "$nplots" ] || fail "report embeds $nimg images but plots/ holds $nplots PNGs"
case "$line" in
"PROBE-RESULT images=$nimg broken=0 errors=0 "*) ;;
*) fail "images or errors in headless Chromium: $line" ;;
esac
grep -q 'INFO:CONSOLE' "$WORK/p1.log" && fail "console messages: $(grep CONSOLE "$WORK/p1.log")"

# The check must catch a broken image.
sed '0,/data:image\/png;base64,/s//data:image\/png;base64,AAAA/' out/report.html > broken.html
line=$(probe "$WORK/broken.html" p2)
echo "broken copy: $line"
case "$line" in
"PROBE-RESULT images=$nimg broken=1 "*) ;;
*) fail "a broken image went unnoticed: $line" ;;
esac

# A screenshot of the real page (no probe) to look at.
rm -f "$SHOTS/report.png"
chrome p3 --window-size=1100,2400 --hide-scrollbars --screenshot="$SHOTS/report.png" \
    "file://$WORK/out/report.html" 2> "$WORK/p3.log" > /dev/null
[ -s "$SHOTS/report.png" ] || fail "no screenshot"
head -c 8 "$SHOTS/report.png" | od -An -c | grep -q 'P   N   G' || fail "screenshot is not a PNG"
echo "screenshot: $SHOTS/report.png"
finish
