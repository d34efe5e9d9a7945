#!/usr/bin/env bash
# Side-by-side benchmark: Livepeer's benchmark ladder (240p 250k, 360p 800k, 480p 1.6M,
# 720p 3M; passthrough fps; 1 s GOP) from the 1080p, 500-frame bad-cuvid.ts, produced by
# lpx-transcoder (openh264) and by the ffmpeg CLI (libx264 -preset veryfast, one shared decode).
# Reports median wall and CPU time, real-time factor, peak RSS, and per-rendition PSNR against
# the source scaled to the rendition's size (ffmpeg's psnr filter), plus measured bitrates.
# The reference is scaled twice: bicubic (libswscale's default, which the ffmpeg ladder's own
# scale filter also uses, so x264's renditions are compared with exactly their own input) and
# Lanczos (which neither side uses: a neutral cross-check of the scaler choice).
#
# Usage: transcoder/benches/ladder.sh [runs]   (default 3; CARGO_TARGET_DIR is honoured)
# LPX_BENCH_BEFORE=<lpx-transcoder binary> adds an older build as a third contender in the
# same runs (before/after comparisons).
set -euo pipefail
runs="${1:-3}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
src="${LPX_BENCH_INPUT:-$root/../shared/media/bad-cuvid.ts}"
target="${CARGO_TARGET_DIR:-$root/target}"
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

cargo build --release -q -p lpx-transcoder --manifest-path "$root/Cargo.toml"
bin="$target/release/lpx-transcoder"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT

frames=$(ffprobe -v error -select_streams v:0 -count_packets -show_entries stream=nb_read_packets -of csv=p=0 "$src" | sed -n 1p | tr -dc '0-9')
fps=$(ffprobe -v error -select_streams v:0 -show_entries stream=avg_frame_rate -of csv=p=0 "$src" | sed -n 1p | tr -dc '0-9/')
media_secs=$(python3 -c "n,d='$fps'.split('/'); print($frames*int(d)/int(n))")
sizes=(426x240 640x360 854x480 1280x720); rates=(250k 800k 1600k 3000k); names=(240p0 360p0 480p0 720p0)

ffmpeg_ladder() {
  local out="$1" fc="[0:v]split=4[i0][i1][i2][i3]" maps=()
  for i in 0 1 2 3; do
    fc+=";[i$i]scale=${sizes[$i]/x/:}[o$i]"
    maps+=(-map "[o$i]" -map "0:a?" -c:a copy -c:v libx264 -preset veryfast -profile:v high -bf 0
           -b:v "${rates[$i]}" -minrate "${rates[$i]}" -maxrate "${rates[$i]}" -bufsize "${rates[$i]}"
           -force_key_frames "expr:gte(t,n_forced*1)" -fps_mode passthrough "$out/${names[$i]}.ts")
  done
  ffmpeg -v error -y -i "$src" -filter_complex "$fc" "${maps[@]}"
}

measure() { # label, command...; appends "wall cpu rss_kib" to $work/<label>.txt
  local label="$1"; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >/dev/null
  read -r wall user sys rss < "$work/time"
  echo "$wall $(python3 -c "print($user+$sys)") $rss" >> "$work/$label.txt"
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$runs"); do
  rm -rf "$work/lpx" "$work/ff"; mkdir -p "$work/lpx" "$work/ff"
  measure lpx "$bin" transcode "$src" --profiles bench --out "$work/lpx" -j "$(nproc)"
  if [ -n "${LPX_BENCH_BEFORE:-}" ]; then
    rm -rf "$work/before"; mkdir -p "$work/before"
    measure before "$LPX_BENCH_BEFORE" transcode "$src" --profiles bench --out "$work/before" -j "$(nproc)"
  fi
  measure ffmpeg bash -c "$(declare -f ffmpeg_ladder); src='$src'; sizes=(${sizes[*]}); rates=(${rates[*]}); names=(${names[*]}); ffmpeg_ladder '$work/ff'"
done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
col() { awk -v c="$2" '{print $c}' "$work/$1.txt" | median; }
psnr() { # rendition, WxH, scaler -> "luma / all" average PSNR against the source scaled to WxH
  ffmpeg -v info -i "$1" -i "$src" -lavfi "[0:v]setpts=PTS-STARTPTS[d];[1:v]setpts=PTS-STARTPTS,scale=${2/x/:}:flags=$3[r];[d][r]psnr=shortest=1" -f null - 2>&1 \
    | sed -n 's/.*PSNR y:\([0-9.inf]*\).* average:\([0-9.inf]*\).*/\1 \/ \2/p' | tail -1
}
delta() { # "y / avg" "y / avg" -> "Δy / Δavg"
  python3 -c "import sys; a, b = ([float(v) for v in x.split('/')] for x in sys.argv[1:]); print(f'{a[0] - b[0]:+.2f} / {a[1] - b[1]:+.2f}')" "$1" "$2"
}
kbps() { ffprobe -v error -select_streams v:0 -show_entries packet=size -of csv=p=0 "$1" | awk -v s="$media_secs" '{b+=$1} END {printf "%.0f", b*8/s/1000}'; }

echo "input: $src ($frames frames, $media_secs s), $runs runs each, $(nproc) cores, load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "openh264 asm: $(nm -C "$bin" 2>/dev/null | grep -c -E '_(sse2|ssse3|sse41|avx2)$' || true) SIMD symbols linked"
echo
echo "| encoder | median wall s | median CPU s | real-time factor | peak RSS MiB |"
echo "|---|---|---|---|---|"
contenders=(lpx ffmpeg); [ -n "${LPX_BENCH_BEFORE:-}" ] && contenders+=(before)
for l in "${contenders[@]}"; do
  w=$(col $l 1); c=$(col $l 2); m=$(col $l 3)
  echo "| $l | $w | $c | $(python3 -c "print(round($media_secs/$w,2))")x | $(python3 -c "print(round($m/1024))") |"
done
lw=$(col lpx 1); fw=$(col ffmpeg 1); lc=$(col lpx 2); fc=$(col ffmpeg 2)
echo
echo "throughput ratio lpx/ffmpeg: wall $(python3 -c "print(round($fw/$lw,2))")x, CPU $(python3 -c "print(round($fc/$lc,2))")x"
if [ -n "${LPX_BENCH_BEFORE:-}" ]; then
  bw=$(col before 1); bc=$(col before 2)
  echo "throughput ratio before/ffmpeg: wall $(python3 -c "print(round($fw/$bw,2))")x, CPU $(python3 -c "print(round($fc/$bc,2))")x"
  echo "per-run CPU s: lpx $(awk '{printf "%s ", $2}' "$work/lpx.txt")| ffmpeg $(awk '{printf "%s ", $2}' "$work/ffmpeg.txt")| before $(awk '{printf "%s ", $2}' "$work/before.txt")"
else
  echo "per-run CPU s: lpx $(awk '{printf "%s ", $2}' "$work/lpx.txt")| ffmpeg $(awk '{printf "%s ", $2}' "$work/ffmpeg.txt")"
fi
echo
stem=$(basename "$src" .ts)
lpx_bicubic=() # lpx's PSNR per rendition against the bicubic reference, reused at equal bitrates
for ref in bicubic lanczos; do
  echo "PSNR against the source scaled with $ref:"
  echo
  echo "| rendition | lpx PSNR y / avg dB | lpx kbps | ffmpeg PSNR y / avg dB | ffmpeg kbps | Δ y / avg dB |"
  echo "|---|---|---|---|---|---|"
  for i in 0 1 2 3; do
    l=$(psnr "$work/lpx/$stem/${names[$i]}.ts" "${sizes[$i]}" $ref); f=$(psnr "$work/ff/${names[$i]}.ts" "${sizes[$i]}" $ref)
    [ "$ref" = bicubic ] && lpx_bicubic[$i]="$l"
    echo "| ${names[$i]} ${sizes[$i]} ${rates[$i]} | $l | $(kbps "$work/lpx/$stem/${names[$i]}.ts") | $f | $(kbps "$work/ff/${names[$i]}.ts") | $(delta "$l" "$f") |"
  done
  if [ -n "${LPX_BENCH_BEFORE:-}" ]; then
    echo
    echo "| rendition | before PSNR y / avg dB | before kbps | Δ y / avg dB vs ffmpeg |"
    echo "|---|---|---|---|"
    for i in 0 1 2 3; do
      b=$(psnr "$work/before/$stem/${names[$i]}.ts" "${sizes[$i]}" $ref); f=$(psnr "$work/ff/${names[$i]}.ts" "${sizes[$i]}" $ref)
      echo "| ${names[$i]} | $b | $(kbps "$work/before/$stem/${names[$i]}.ts") | $(delta "$b" "$f") |"
    done
  fi
  echo
done

# The ladder's targets are the same for both, but x264 lands above its targets and openh264
# below them. For the quality gap at equal bits, x264 runs once more with each target scaled by
# (lpx's measured rate / x264's measured rate), which lands it on lpx's bitrates.
eq_rates=()
for i in 0 1 2 3; do
  lk=$(kbps "$work/lpx/$stem/${names[$i]}.ts"); fk=$(kbps "$work/ff/${names[$i]}.ts")
  eq_rates+=("$(python3 -c "print(round(${rates[$i]%k} * $lk / $fk))")k")
done
mkdir -p "$work/ffeq"
(rates=("${eq_rates[@]}"); ffmpeg_ladder "$work/ffeq")
echo "PSNR at equal bitrates (bicubic reference; x264 targets ${eq_rates[*]}):"
echo
echo "| rendition | lpx PSNR y / avg dB | lpx kbps | ffmpeg PSNR y / avg dB | ffmpeg kbps | Δ y / avg dB |"
echo "|---|---|---|---|---|---|"
for i in 0 1 2 3; do
  l="${lpx_bicubic[$i]}"; f=$(psnr "$work/ffeq/${names[$i]}.ts" "${sizes[$i]}" bicubic)
  echo "| ${names[$i]} ${sizes[$i]} | $l | $(kbps "$work/lpx/$stem/${names[$i]}.ts") | $f | $(kbps "$work/ffeq/${names[$i]}.ts") | $(delta "$l" "$f") |"
done
