#pragma once

// Cluster membership credentials: the cluster secret on disk, the keys derived
// from it (one per admitted server, one shared by the monitors), proofs of
// holding a key with replay refusal, and join tokens for new monitors. Pure:
// no clock of its own (every call that needs the time is told it), no CAF, no
// sockets. The crypto is OpenSSL's (HMAC-SHA256, RAND_bytes, CRYPTO_memcmp).

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>

namespace gd::membership {

/// 32 bytes of key material.
using key = std::array<std::uint8_t, 32>;

/// A fresh random secret (RAND_bytes); throws std::runtime_error if the RNG
/// fails.
key new_secret();

/// Writes `k` to `path` atomically: a temporary file in the same directory,
/// created with mode 0600, is written, fsynced and renamed over `path`, then
/// the directory is fsynced. The file holds 64 lowercase hex digits and "\n".
/// Throws std::runtime_error naming the path and the errno text on failure
/// (the temporary file is removed).
void save_secret(const std::string& path, const key& k);

/// Reads a secret written by save_secret. Throws std::runtime_error naming the
/// path if it is missing, unreadable, not a regular file, not exactly 64 hex
/// digits (an optional trailing newline allowed), or readable or writable by
/// group or others ("... has mode 0644; it must be 0600 (chmod 600 PATH)").
key load_secret(const std::string& path);

/// 64 lowercase hex digits.
std::string to_hex(const key& k);

/// Parses 64 hex digits (either case); std::nullopt if malformed.
std::optional<key> key_from_hex(const std::string& hex);

/// The key a server proves its membership with: HMAC-SHA256(secret,
/// "gd-server-v1\0" + uuid + "\0" + decimal(credential_id)).
/// credential_id is chosen at random per admission (peer probe) and stored in
/// the committed peer record, so re-admitting the same UUID after a detach
/// gives a new key (the old one stays revoked).
key server_credential(const key& secret, const std::string& uuid,
                      std::uint64_t credential_id);

/// The key monitors prove their membership to each other with:
/// HMAC-SHA256(secret, "gd-monitor-v1").
key monitor_credential(const key& secret);

/// What a proof is for. Bound into its MAC, so a proof made for one use is
/// refused for another.
enum class purpose : std::uint8_t {
  check_in = 1,
  digest = 2,
  forward = 3,
  raft_link = 4,
};

/// "check-in", "digest", "forwarded call", "raft link" ("unknown purpose" for
/// any other value).
const char* to_string(purpose p);

/// A proof of holding a key: who claims it, when (microseconds since the Unix
/// epoch, on the sender's wall clock), to whom (the callee's address
/// "HOST:PORT" as the caller dialled it / as listed), and a MAC over all of
/// that and the purpose.
struct proof {
  std::string who;
  std::int64_t stamp_us = 0;
  std::string target;
  std::array<std::uint8_t, 32> mac{};
};

/// mac = HMAC-SHA256(k, "gd-proof-v1\0" + to_string(p) + "\0" + who + "\0" +
/// decimal(stamp_us) + "\0" + target).
proof make_proof(const key& k, purpose p, std::string who,
                 std::int64_t stamp_us, std::string target);

/// Whether `pr.mac` is the MAC of `pr` for `p` under `k` (constant-time
/// compare). Says nothing about replays or clocks: see replay_guard.
bool mac_matches(const key& k, purpose p, const proof& pr);

/// Strictly increasing microsecond stamps from the wall clock: if the clock
/// did not move or went back, the last stamp + 1. Not thread-safe.
class stamp_source {
public:
  /// Microseconds since the Unix epoch.
  using clock_fn = std::int64_t (*)();

  /// Reads the system wall clock.
  stamp_source();

  /// Reads `clock` instead (tests).
  explicit stamp_source(clock_fn clock);

  std::int64_t next();

private:
  clock_fn clock_;
  std::int64_t last_ = 0;
  bool started_ = false;
};

/// Refuses replayed proofs on the receiving side. Two modes, by purpose:
///  - ordered (check_in, digest: sent one after another on one connection):
///    a stamp must be greater than the last accepted from the same `who` for
///    that purpose; one integer is held per who and purpose;
///  - unordered (forward, raft_link: may arrive out of order): a stamp must
///    not have been seen from that `who` for that purpose within the window.
/// In both, |stamp - now| must be within the window, else the proof is
/// refused as clock skew.
class replay_guard {
public:
  explicit replay_guard(std::int64_t window_us = 60'000'000);

  /// "" if accepted (and remembered), else why refused:
  ///  - "replayed (stamp S is not newer than the last accepted from WHO)";
  ///  - "replayed (stamp S already seen from WHO)";
  ///  - "clock of WHO differs from this daemon's by N s (more than W s
  ///    allowed): synchronise the clocks (NTP)";
  ///  - "stale (stamp S is older than the replay window already forgotten)",
  ///    only for an unordered stamp older than one pruned earlier (this
  ///    daemon's clock went back).
  /// `now_us` is this daemon's wall clock. Unordered entries that fell out of
  /// the window are pruned here.
  std::string accept(purpose p, const std::string& who, std::int64_t stamp_us,
                     std::int64_t now_us);

  /// Forgets everything about `who` (revoked). Linear in the unordered
  /// entries held; meant for rare revocations.
  void forget(const std::string& who);

  /// Entries held, ordered and unordered.
  std::size_t size() const;

private:
  /// Removes unordered entries with a stamp below now_us - window.
  void prune(std::int64_t now_us);

  std::int64_t window_us_;
  /// Last accepted stamp per who: [0] check-in, [1] digest.
  std::unordered_map<std::string, std::int64_t> last_[2];
  /// Unordered stamps seen, sorted by stamp so pruning takes from the front.
  std::set<std::tuple<std::int64_t, std::uint8_t, std::string>> seen_;
  /// Stamps below this were pruned: refused whatever the clock says now.
  std::int64_t floor_us_ = INT64_MIN;
};

/// Makes a join token for new monitors (`--join` with a token an operator
/// gets from an existing member): "gdjoin1." + 16 lowercase hex digits of
/// cluster_id + "." + decimal(expires_s) + "." + hex(HMAC-SHA256(secret,
/// "gd-join-v1\0" + cluster-id-hex + "\0" + decimal(expires_s))).
/// `expires_s` is seconds since the Unix epoch and must not be negative.
std::string make_join_token(const key& secret, std::uint64_t cluster_id,
                            std::int64_t expires_s);

/// The fields of a join token.
struct join_token_fields {
  std::uint64_t cluster_id = 0;
  std::int64_t expires_s = 0;
};

/// Parses a token without verifying it (the joiner needs the cluster id
/// before it has the secret). std::nullopt if malformed: anything but the
/// exact form make_join_token writes.
std::optional<join_token_fields> parse_join_token(const std::string& token);

/// "" if `token` is well formed, made with `secret` for `cluster_id`, and not
/// expired at `now_s` (valid while now_s < expires_s); else why not:
/// "malformed join token", "join token of another cluster", "join token not
/// made by this cluster (wrong signature)", "join token expired at
/// YYYY-MM-DD HH:MM:SS UTC". The signature is checked before the expiry, so
/// a forged expiry is reported as a wrong signature.
std::string verify_join_token(const key& secret, std::uint64_t cluster_id,
                              const std::string& token, std::int64_t now_s);

} // namespace gd::membership
