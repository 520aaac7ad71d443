#pragma once

// A linearizability checker for histories of the monitor cluster's key-value
// API, and a thread-safe recorder of such histories.
//
// The model is one register per key holding an optional string (absent at the
// start of the history). The checker is Lowe's version of the Wing-Gong
// search, as in Porcupine: a depth-first search over the history that
// linearizes one pending operation at a time and prunes with a cache of
// (set of linearized operations, model state). Every operation touches one
// key, so the history is split by key and each key is checked on its own
// (P-compositionality). Operations with an unknown outcome get extra pruning
// (see search() in the .cpp) so that timed-out writes do not make the search
// explode.
//
// What goes into a history (the caller's side of the contract):
// - Every operation that took effect or may have taken effect.
// - Not the operations that failed with an error saying that nothing changed
//   (e.g. not_leader before proposing, invalid_argument): leave them out. A
//   cas whose compare failed is not such an error but a result (ok = false).
// - Operations whose outcome is unknown (a timed-out write, a connection lost
//   after sending) with `ret = never`: such an operation may take effect at
//   any point after its invocation, or not at all, and its result is not
//   checked. (A get with an unknown outcome is simply ignored.)

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace gd::test {

/// The response time of an operation whose outcome is unknown.
inline constexpr std::int64_t never = std::numeric_limits<std::int64_t>::max();

/// One operation of a history, with its real-time interval [call, ret].
/// Times are in any unit (simulation ticks, nanoseconds) as long as the whole
/// history uses one clock. An operation precedes another if its `ret` is
/// strictly less than the other's `call`; intervals that touch (a.ret ==
/// b.call) count as concurrent.
struct kv_op {
  enum class kind : std::uint8_t {
    /// put(key, value) -> ok.
    put,
    /// get(key) -> the value, or nullopt if the key is absent.
    get,
    /// del(key) -> number of keys deleted: 1 iff the key existed.
    del,
    /// cas(key, expected, value) -> succeeded. Writes `value` iff the key's
    /// value equals `expected` (nullopt: iff the key is absent). Models an
    /// etcd txn with one value compare and one put.
    cas,
  };

  kind type = kind::get;
  std::string key;
  /// put, cas: the value written.
  std::string value;
  /// cas: the value compared with; nullopt means "the key is absent".
  std::optional<std::string> expected;
  /// Who issued it; used only in explanations.
  int client = 0;
  /// When the operation was invoked.
  std::int64_t call = 0;
  /// When its response arrived (>= call), or `never` if the outcome is
  /// unknown. The result fields below are read only if ret != never.
  std::int64_t ret = never;

  /// get: the value read.
  std::optional<std::string> got;
  /// cas: whether it succeeded.
  bool ok = false;
  /// del: the number of keys deleted.
  std::int64_t deleted = 0;

  /// True if the response (and so the result) is known.
  bool has_result() const { return ret != never; }
};

/// Returns a put of `value` to `key`. Pass ret = never for an unknown outcome.
kv_op make_put(int client, std::int64_t call, std::int64_t ret,
               std::string key, std::string value);

/// Returns a get of `key` that read `got`.
kv_op make_get(int client, std::int64_t call, std::int64_t ret,
               std::string key, std::optional<std::string> got);

/// Returns a delete of `key` that deleted `deleted` keys.
kv_op make_del(int client, std::int64_t call, std::int64_t ret,
               std::string key, std::int64_t deleted);

/// Returns a compare-and-swap of `key` from `expected` to `value` whose
/// outcome was `succeeded`.
kv_op make_cas(int client, std::int64_t call, std::int64_t ret,
               std::string key, std::optional<std::string> expected,
               std::string value, bool succeeded);

/// Returns a one-line description, e.g.
/// `c3 [100,250] cas("k", none -> "v2") -> true`. Bytes outside printable
/// ASCII are written as \xNN.
std::string describe(const kv_op& op);

/// What check_kv_history concluded.
struct check_result {
  enum class verdict : std::uint8_t {
    linearizable,
    not_linearizable,
    /// The search hit its budget on `key` before reaching a conclusion.
    unknown,
  };

  verdict v = verdict::linearizable;
  /// not_linearizable, unknown: the key whose history is at fault.
  std::string key;
  /// not_linearizable: the longest linearizable prefix found, the operations
  /// that could not extend it, and the key's operations around there in call
  /// order ("#i" is the index in the input history). unknown: the budget that
  /// was hit.
  std::string explanation;
  /// Search states explored (operations linearized along the way), over all
  /// keys checked. For tuning the budget.
  std::size_t states = 0;
};

/// Returns "linearizable", "not_linearizable" or "unknown".
const char* to_string(check_result::verdict v);

std::ostream& operator<<(std::ostream& os, check_result::verdict v);

/// The default search budget, in states per key. A state costs up to about
/// 150 bytes and 1.5 microseconds, so a hopeless history gives up after
/// about 1.5 s and 150 MB. A linearizable 2000-op history of 8 clients on
/// one key takes about 20'000 states, and up to 250'000 when a tenth of its
/// writes have unknown outcomes.
inline constexpr std::size_t default_max_states_per_key = 1'000'000;

/// Checks that `history` is linearizable with respect to the per-key register
/// model, starting from an empty store. Keys are checked in sorted order; the
/// first key that is not linearizable decides the verdict or, failing that,
/// the first on which the search gave up after exploring `max_states_per_key`
/// states. Always terminates: the work per state is bounded by the number of
/// operations of the key. Pure; safe to call from many threads. Throws
/// std::invalid_argument if an operation has ret < call.
check_result
check_kv_history(const std::vector<kv_op>& history,
                 std::size_t max_states_per_key = default_max_states_per_key);

/// Records a history from many client threads. Each client calls invoke()
/// just before sending a request and one of the complete_*() functions (or
/// discard()) as soon as the response arrives. Times come from `now`, read
/// under the recorder's lock, so a response recorded before an invocation
/// never gets a later time than it. All members are thread-safe. Completing
/// an op twice, or as the wrong kind, throws std::logic_error (an unknown id:
/// std::out_of_range).
class history_recorder {
public:
  /// Uses std::chrono::steady_clock, in nanoseconds since construction.
  history_recorder();

  /// Uses `now`, which must never go backwards (e.g. a simulated clock).
  explicit history_recorder(std::function<std::int64_t()> now);

  /// Records the invocation of `op` (its type, key, value and expected
  /// value; times and results are overwritten) and returns its id.
  std::size_t invoke(kv_op op);

  /// Records the response of a put.
  void complete_put(std::size_t id);

  /// Records the response of a get.
  void complete_get(std::size_t id, std::optional<std::string> got);

  /// Records the response of a delete.
  void complete_del(std::size_t id, std::int64_t deleted);

  /// Records the response of a cas.
  void complete_cas(std::size_t id, bool succeeded);

  /// Records that the outcome will never be known (the default for an
  /// operation that is never completed).
  void complete_unknown(std::size_t id);

  /// Removes the operation from the history: it failed and changed nothing.
  void discard(std::size_t id);

  /// Returns the history so far, in invocation order, without discarded
  /// operations (so ids are positions in it only if none was discarded).
  /// Operations still in flight have ret = never.
  std::vector<kv_op> ops() const;

private:
  /// Checks that `id` is pending and, if `type` is given, of that kind; then
  /// marks it completed and, if `type` is given, sets its response time.
  /// Returns the op. Requires mu_ to be held.
  kv_op& respond(std::size_t id, std::optional<kv_op::kind> type);

  std::function<std::int64_t()> now_;
  mutable std::mutex mu_;
  std::vector<kv_op> ops_;
  /// Per op: 0 pending, 1 completed, 2 discarded.
  std::vector<std::uint8_t> status_;
};

} // namespace gd::test
