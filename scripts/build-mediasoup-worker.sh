#!/bin/sh
# Builds the mediasoup worker fully offline on Debian 12 (bookworm):
# sources from the npm tarball, every C/C++ dependency from Debian packages,
# meson/ninja from Debian. No pip, no GitHub, no meson wrap downloads.
#
# Usage: MS_VERSION=3.19.3 OUT=/path/mediasoup-worker WORKDIR=/tmp/dir [SRTP_SOURCE=libsrtp2_2.5.0.orig.tar.gz] \
#          sh build-mediasoup-worker.sh
# Called by scripts/setup.sh, which installs the Debian packages first, fetches SRTP_SOURCE (Debian's source of
# libsrtp 2.5) and caches the result.
#
# SRTP: Debian's libsrtp2 does its crypto through NSS (about 12 us per 800-byte packet); built from the same
# source with its OpenSSL backend it takes about 3 us, and every WebRTC packet is SRTP. With SRTP_SOURCE the
# worker links that OpenSSL build statically; without it, Debian's shared libsrtp2 (NSS).
set -eu

MS_VERSION="${MS_VERSION:-3.19.3}"
WORKDIR="${WORKDIR:?WORKDIR must be set}"
OUT="${OUT:?OUT must be set}"
JOBS="${JOBS:-$(nproc)}"

# 1. Toolchain + system libraries: installed by scripts/setup.sh (see WORKER_PACKAGES there).

# 2. mediasoup sources from the npm registry.
rm -rf "$WORKDIR"; mkdir -p "$WORKDIR"; cd "$WORKDIR"
npm pack --silent "mediasoup@$MS_VERSION" >/dev/null
tar xzf "mediasoup-$MS_VERSION.tgz"
W="$WORKDIR/package/worker"
S="$W/subprojects"

# 3. Source tweaks.
# 3a. Debian has meson 1.0.1; mediasoup asks for >= 1.1.0 but builds fine with 1.0.1.
sed -i "s/meson_version: '>= 1.1.0'/meson_version: '>= 1.0.0'/" "$W/meson.build"
# 3b. BIO callback bug: for BIO_CB_CTRL|BIO_CB_RETURN it returns 1 instead of the
#     ctrl result, so BIO_get_ktls_send() is "true" with an OpenSSL built with KTLS
#     (Debian's) -> no write buffer -> SIGSEGV on the first DTLS handshake write.
sed -i 's/(operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1;/(operationType \& BIO_CB_RETURN) ? static_cast<long>(ret) : 1;/' \
  "$W/src/RTC/DtlsTransport.cpp"
grep -q '(operationType & BIO_CB_RETURN)' "$W/src/RTC/DtlsTransport.cpp" || { echo "DtlsTransport patch did not apply" >&2; exit 1; }

# 3c. libsrtp 2.5 with OpenSSL crypto (static, position-independent), from Debian's source.
SRTP_PREFIX=""
if [ -n "${SRTP_SOURCE:-}" ]; then
  mkdir -p "$WORKDIR/srtp" && tar xzf "$SRTP_SOURCE" -C "$WORKDIR/srtp" --strip-components=1
  (cd "$WORKDIR/srtp" && ./configure --prefix="$WORKDIR/srtp-prefix" --enable-openssl --disable-debug-logging \
     CFLAGS="-O2 -fPIC" >/dev/null && make -j "$JOBS" libsrtp2.a >/dev/null && make install >/dev/null)
  SRTP_PREFIX="$WORKDIR/srtp-prefix"
  test -f "$SRTP_PREFIX/lib/libsrtp2.a" || { echo "libsrtp build failed" >&2; exit 1; }
fi

# 4. Shim subprojects: a directory named like each wrap's 'directory =' makes meson
#    use it instead of downloading. Each wraps the Debian library and exposes the
#    variables mediasoup's meson.build reads with get_variable().
wrapdir() { sed -n 's/^directory *= *//p' "$S/$1.wrap" | tr -d '[:space:]'; }
mk() { # $1 = wrap name, stdin = meson.build; skipped if this version has no such wrap
  if [ ! -f "$S/$1.wrap" ]; then cat >/dev/null; return 0; fi
  d="$S/$(wrapdir "$1")"; rm -rf "$d"; mkdir -p "$d"; cat > "$d/meson.build"; : > "$d/dummy.c"; }
opts() { [ -f "$S/$1.wrap" ] && printf "%s\n" "$@" | tail -n +2 > "$S/$(wrapdir "$1")/meson_options.txt" || true; }

# The *_lib static libraries are dummies: only link_whole of the optional
# libmediasoup-worker target (not built) references them.
mk openssl <<'M'
project('openssl', 'c')
openssl_dep = dependency('openssl')
libcrypto_lib = static_library('shim_crypto', 'dummy.c')
libssl_lib = static_library('shim_ssl', 'dummy.c')
M
mk libuv <<'M'
project('libuv', 'c')
libuv_dep = dependency('libuv', version: '>=1.44')
libuv = static_library('shim_uv', 'dummy.c')
M
opts libuv "option('build_tests', type: 'boolean', value: false)" \
  "option('build_benchmarks', type: 'boolean', value: false)"
mk usrsctp <<'M'
project('usrsctp', 'c')
usrsctp_dep = dependency('usrsctp')
usrsctp = static_library('shim_usrsctp', 'dummy.c')
M
opts usrsctp "option('sctp_build_programs', type: 'boolean', value: false)"
mk abseil-cpp <<'M'
project('abseil-cpp', 'c', 'cpp')
_absl = []
foreach m : ['absl_flat_hash_map', 'absl_flat_hash_set', 'absl_btree', 'absl_inlined_vector', 'absl_memory', 'absl_optional', 'absl_strings']
  _absl += dependency(m)
endforeach
absl_container_dep = declare_dependency(dependencies: _absl)
absl_strings_dep = absl_container_dep
absl_types_dep = absl_container_dep
absl_container_lib = static_library('shim_absl', 'dummy.c')
M
mk catch2 <<'M'
project('catch2', 'c', 'cpp')
catch2_dep = declare_dependency()  # tests are not built (Debian only has Catch2 v2)
M
mk flatbuffers <<'M'
project('flatbuffers', 'c', 'cpp')
flatbuffers_dep = dependency('flatbuffers')  # Debian 2.0.8; /usr/bin/flatc is found by fbs/meson.build
flatbuffers_lib = static_library('shim_flatbuffers', 'dummy.c')
M
mk liburing <<'M'
project('liburing', 'c')
uring = dependency('liburing')
liburing = static_library('shim_uring', 'dummy.c')
M
# ankerl::unordered_dense (not in Debian 12): std containers with the same names.
mk unordered-dense <<'M'
project('unordered_dense', 'c', 'cpp')
ankerl_unordered_dense_dep = declare_dependency(include_directories: include_directories('include'))
M
if [ -f "$S/unordered-dense.wrap" ]; then
  D="$S/$(wrapdir unordered-dense)"; mkdir -p "$D/include/ankerl"
  cat > "$D/include/ankerl/unordered_dense.h" <<'H'
#ifndef MS_UNORDERED_DENSE_SHIM_H
#define MS_UNORDERED_DENSE_SHIM_H
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <unordered_set>
namespace ankerl::unordered_dense {
template <class T, class Enable = void> struct hash : std::hash<T> {};
template <class K, class V, class H = hash<K>, class Eq = std::equal_to<K>>
using map = std::unordered_map<K, V, H, Eq>;
template <class K, class H = hash<K>, class Eq = std::equal_to<K>>
using set = std::unordered_set<K, H, Eq>;
}
#endif
H
fi

# libsrtp 3 API (versatica fork) implemented on top of Debian's libsrtp 2.5.
mk libsrtp3 <<'M'
project('libsrtp3', 'c')
_prefix = get_option('srtp_prefix')
if _prefix == ''
  _srtp = dependency('libsrtp2')
else
  # The OpenSSL build (step 3c), linked in whole; libcrypto comes with the worker's OpenSSL dependency.
  _srtp = declare_dependency(compile_args: ['-I' + _prefix / 'include'],
    link_args: [_prefix / 'lib' / 'libsrtp2.a'], dependencies: dependency('openssl'))
endif
libsrtp3_dep = declare_dependency(dependencies: _srtp,
  include_directories: include_directories('include'), compile_args: get_option('shim_args'))
libsrtp3 = static_library('shim_srtp', 'dummy.c')
M
D="$S/$(wrapdir libsrtp3)"
opts libsrtp3 "option('crypto-library', type: 'string', value: 'none')" \
  "option('crypto-library-kdf', type: 'string', value: 'disabled')" \
  "option('tests', type: 'string', value: 'disabled')" \
  "option('srtp_prefix', type: 'string', value: '$SRTP_PREFIX')" \
  "option('shim_args', type: 'array', value: [$(grep -q srtp_policy_create "$W/src/RTC/SrtpSession.cpp" && echo "'-DMS_SRTP3_POLICY_API'")])"
mkdir -p "$D/include"
cat > "$D/include/srtp.h" <<'H'
/* Shim: the libsrtp 3 API used by mediasoup (3.19.3 and 3.27.1 tested), on top of libsrtp 2.x. */
#ifndef MS_SRTP3_SHIM_H
#define MS_SRTP3_SHIM_H
#ifdef MS_SRTP3_POLICY_API
#define srtp_policy_t ms_srtp2_policy_t /* v3 reuses the name for an opaque handle */
#endif
#include <srtp2/srtp.h>
#ifdef MS_SRTP3_POLICY_API
#undef srtp_policy_t
#endif
#ifdef __cplusplus
#include <cstddef>
#include <cstdint>
#include <cstring>
#ifdef MS_SRTP3_POLICY_API
/* libsrtp 3 policy object API (mediasoup >= 3.2x). */
struct ms_srtp3_policy { ms_srtp2_policy_t p; unsigned char key[SRTP_MAX_KEY_LEN + 64]; };
typedef ms_srtp3_policy* srtp_policy_t;
inline srtp_err_status_t srtp_policy_create(srtp_policy_t* policy)
{
  *policy = new ms_srtp3_policy();
  std::memset(&(*policy)->p, 0, sizeof((*policy)->p));
  return srtp_err_status_ok;
}
inline void srtp_policy_destroy(srtp_policy_t policy) { delete policy; }
inline srtp_err_status_t srtp_policy_set_ssrc(srtp_policy_t policy, srtp_ssrc_t ssrc)
{ policy->p.ssrc = ssrc; return srtp_err_status_ok; }
inline srtp_err_status_t srtp_policy_set_profile(srtp_policy_t policy, srtp_profile_t profile)
{
  srtp_err_status_t err = srtp_crypto_policy_set_from_profile_for_rtp(&policy->p.rtp, profile);
  if (err != srtp_err_status_ok) return err;
  return srtp_crypto_policy_set_from_profile_for_rtcp(&policy->p.rtcp, profile);
}
inline srtp_err_status_t srtp_policy_add_key(srtp_policy_t policy, const uint8_t* key, size_t key_len,
  const uint8_t* salt, size_t salt_len, const uint8_t* mki, size_t mki_len)
{
  if (mki || mki_len || key_len + salt_len > sizeof(policy->key)) return srtp_err_status_bad_param;
  std::memcpy(policy->key, key, key_len);
  std::memcpy(policy->key + key_len, salt, salt_len);
  policy->p.key = policy->key;
  return srtp_err_status_ok;
}
inline srtp_err_status_t srtp_policy_set_allow_repeat_tx(srtp_policy_t policy, bool allow)
{ policy->p.allow_repeat_tx = allow ? 1 : 0; return srtp_err_status_ok; }
inline srtp_err_status_t srtp_policy_set_window_size(srtp_policy_t policy, size_t size)
{ policy->p.window_size = static_cast<unsigned long>(size); return srtp_err_status_ok; }
inline srtp_err_status_t srtp_create(srtp_t* session, srtp_policy_t policy)
{ return srtp_create(session, &policy->p); }
#endif
#define srtp_err_status_buffer_small static_cast<srtp_err_status_t>(28)
#define srtp_err_status_cryptex_err static_cast<srtp_err_status_t>(29)
inline srtp_err_status_t srtp_protect(srtp_t ctx, const uint8_t* rtp, size_t rtp_len,
  uint8_t* srtp, size_t* srtp_len, size_t mki_index)
{
  if (*srtp_len < rtp_len + SRTP_MAX_TRAILER_LEN) return srtp_err_status_buffer_small;
  if (srtp != rtp) std::memmove(srtp, rtp, rtp_len);
  int len = static_cast<int>(rtp_len);
  srtp_err_status_t err = mki_index == 0 ? srtp_protect(ctx, srtp, &len)
    : srtp_protect_mki(ctx, srtp, &len, 1, static_cast<unsigned int>(mki_index));
  if (err == srtp_err_status_ok) *srtp_len = static_cast<size_t>(len);
  return err;
}
inline srtp_err_status_t srtp_unprotect(srtp_t ctx, const uint8_t* srtp, size_t srtp_len,
  uint8_t* rtp, size_t* rtp_len)
{
  if (rtp != srtp) std::memmove(rtp, srtp, srtp_len);
  int len = static_cast<int>(srtp_len);
  srtp_err_status_t err = srtp_unprotect(ctx, rtp, &len);
  if (err == srtp_err_status_ok) *rtp_len = static_cast<size_t>(len);
  return err;
}
inline srtp_err_status_t srtp_protect_rtcp(srtp_t ctx, const uint8_t* rtcp, size_t rtcp_len,
  uint8_t* srtcp, size_t* srtcp_len, size_t mki_index)
{
  if (*srtcp_len < rtcp_len + SRTP_MAX_TRAILER_LEN + 4) return srtp_err_status_buffer_small;
  if (srtcp != rtcp) std::memmove(srtcp, rtcp, rtcp_len);
  int len = static_cast<int>(rtcp_len);
  srtp_err_status_t err = mki_index == 0 ? srtp_protect_rtcp(ctx, srtcp, &len)
    : srtp_protect_rtcp_mki(ctx, srtcp, &len, 1, static_cast<unsigned int>(mki_index));
  if (err == srtp_err_status_ok) *srtcp_len = static_cast<size_t>(len);
  return err;
}
inline srtp_err_status_t srtp_unprotect_rtcp(srtp_t ctx, const uint8_t* srtcp, size_t srtcp_len,
  uint8_t* rtcp, size_t* rtcp_len)
{
  if (rtcp != srtcp) std::memmove(rtcp, srtcp, srtcp_len);
  int len = static_cast<int>(srtcp_len);
  srtp_err_status_t err = srtp_unprotect_rtcp(ctx, rtcp, &len);
  if (err == srtp_err_status_ok) *rtcp_len = static_cast<size_t>(len);
  return err;
}
/* v3 renamed srtp_remove_stream(); both take the SSRC in network byte order. */
inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
  return srtp_remove_stream(session, ssrc);
}
#endif
#endif
H

# 5. Configure + build (same meson flags as mediasoup's tasks.py, minus pip).
#    liburing is disabled: Debian's liburing 2.3 lacks APIs the worker uses.
cd "$W"
URING=""; grep -q ms_disable_liburing meson_options.txt && URING="-Dms_disable_liburing=true"
/usr/bin/meson setup --wrap-mode=nodownload --buildtype release -Db_ndebug=true \
  $URING ${MESON_ARGS:-} build
# FBS headers first (like tasks.py's 'flatc' task): deps/libwebrtc includes them
# but meson has no dependency edge for it.
/usr/bin/meson compile -C build flatbuffers-generator
/usr/bin/meson compile -C build -j "$JOBS" mediasoup-worker

mkdir -p "$(dirname "$OUT")"
cp build/mediasoup-worker "$OUT"
echo "built $OUT"
