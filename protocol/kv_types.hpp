#pragma once

// The key-value API of the monitor cluster, with etcd v3 semantics: one
// store-wide revision bumped by every write, and per key create_revision,
// mod_revision and version. Plain C++ values shared by the state machine
// store (store/kv_store), the actors and the wire codecs.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace gd::kv {

/// A store revision. The empty store is at revision 1; each write request
/// that changes at least one key bumps it by exactly 1 (all keys it changes
/// share that revision).
using revision = std::int64_t;

/// One key with its metadata, as stored at `mod_revision`.
struct key_value {
  std::string key;
  std::string value;
  /// Revision of the write that created the key (since its last delete).
  revision create_revision = 0;
  /// Revision of the last write to the key.
  revision mod_revision = 0;
  /// Number of writes since creation: 1 after the creating put.
  std::int64_t version = 0;

  friend bool operator==(const key_value& a, const key_value& b) {
    return a.key == b.key && a.value == b.value
           && a.create_revision == b.create_revision
           && a.mod_revision == b.mod_revision && a.version == b.version;
  }
};

/// Returns the smallest key greater than every key starting with `prefix`
/// (etcd's prefix range end), or "\0" (one NUL byte: "to the end") if the
/// prefix is empty or all 0xff.
std::string prefix_end(const std::string& prefix);

/// Selects keys: `key` alone if `range_end` is empty; [key, range_end) if
/// range_end is a key; every key >= `key` if range_end is "\0".
struct key_range {
  std::string key;
  std::string range_end;

  /// True if `k` is selected.
  bool contains(const std::string& k) const;
};

/// Reads keys.
struct range_request {
  key_range range;
  /// At most this many keys (0 = no limit); `more` tells whether some were
  /// left out.
  std::int64_t limit = 0;
  /// Leave values out.
  bool keys_only = false;
  /// Return only the count.
  bool count_only = false;
};

struct range_result {
  /// The store revision the read saw.
  revision header_revision = 0;
  std::vector<key_value> kvs;
  /// True if `limit` left keys out.
  bool more = false;
  /// Number of keys in the range (not limited by `limit`).
  std::int64_t count = 0;
};

/// Sets one key.
struct put_request {
  std::string key;
  std::string value;
  /// Return the key as it was before.
  bool prev_kv = false;
};

struct put_result {
  revision header_revision = 0;
  std::optional<key_value> prev_kv;
};

/// Deletes the keys of a range.
struct delete_request {
  key_range range;
  bool prev_kv = false;
};

struct delete_result {
  revision header_revision = 0;
  std::int64_t deleted = 0;
  std::vector<key_value> prev_kvs;
};

/// What a txn comparison looks at.
enum class compare_target : std::uint8_t {
  value = 1,
  version = 2,
  create_revision = 3,
  mod_revision = 4,
};

enum class compare_result : std::uint8_t {
  equal = 1,
  not_equal = 2,
  greater = 3,
  less = 4,
};

/// One guard of a txn, on one key. A missing key has version, create and mod
/// revision 0, and its value compares like no value at all: "value = x" is
/// false and "value != x" is true for it.
struct compare {
  std::string key;
  compare_target target = compare_target::value;
  compare_result result = compare_result::equal;
  /// Used when target == value.
  std::string value;
  /// Used for version, create_revision and mod_revision.
  std::int64_t number = 0;
};

/// One operation of a txn branch.
using request_op = std::variant<range_request, put_request, delete_request>;
using response_op = std::variant<range_result, put_result, delete_result>;

/// If every compare holds, runs `success`, else `failure`, atomically and in
/// list order. All writes of the txn share one revision; reads inside it see
/// the txn's earlier writes.
struct txn_request {
  std::vector<compare> compares;
  std::vector<request_op> success;
  std::vector<request_op> failure;
};

struct txn_result {
  revision header_revision = 0;
  bool succeeded = false;
  std::vector<response_op> responses;
};

/// Discards the history (watch events) of revisions <= `revision`.
struct compact_request {
  revision rev = 0;
};

struct compact_result {
  revision header_revision = 0;
};

/// A replicated write: what a `command` log entry asks the state machine to
/// do. (Reads are served through ReadIndex and never enter the log.)
using write_request =
  std::variant<put_request, delete_request, txn_request, compact_request>;
using write_result =
  std::variant<put_result, delete_result, txn_result, compact_result>;

/// One change seen by a watch.
struct event {
  enum class kind : std::uint8_t { put = 1, del = 2 };
  kind type = kind::put;
  /// For put: the key as written. For del: key, and mod_revision = the
  /// revision of the delete (value empty, version 0).
  key_value kv;
};

/// Bounds on request sizes, checked before anything is proposed.
struct limits {
  /// LMDB's own key limit (mdb_env_get_maxkeysize) is 511 bytes.
  std::size_t max_key_bytes = 511;
  std::size_t max_value_bytes = 1024 * 1024;
  std::size_t max_txn_ops = 128;
  /// Bound on one whole request (keys + values of all its operations).
  std::size_t max_request_bytes = 1536 * 1024;
};

/// Returns "" if `r` respects `lim`, otherwise an error naming what is wrong,
/// e.g. "key is 5000 bytes; the limit is 4096".
std::string validate(const write_request& r, const limits& lim);
std::string validate(const range_request& r, const limits& lim);

} // namespace gd::kv
