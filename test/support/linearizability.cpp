#include "test/support/linearizability.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <ostream>
#include <stdexcept>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace gd::test {

// -- building and describing operations ---------------------------------------

kv_op make_put(int client, std::int64_t call, std::int64_t ret,
               std::string key, std::string value) {
  kv_op op;
  op.type = kv_op::kind::put;
  op.client = client;
  op.call = call;
  op.ret = ret;
  op.key = std::move(key);
  op.value = std::move(value);
  return op;
}

kv_op make_get(int client, std::int64_t call, std::int64_t ret,
               std::string key, std::optional<std::string> got) {
  kv_op op;
  op.type = kv_op::kind::get;
  op.client = client;
  op.call = call;
  op.ret = ret;
  op.key = std::move(key);
  op.got = std::move(got);
  return op;
}

kv_op make_del(int client, std::int64_t call, std::int64_t ret,
               std::string key, std::int64_t deleted) {
  kv_op op;
  op.type = kv_op::kind::del;
  op.client = client;
  op.call = call;
  op.ret = ret;
  op.key = std::move(key);
  op.deleted = deleted;
  return op;
}

kv_op make_cas(int client, std::int64_t call, std::int64_t ret,
               std::string key, std::optional<std::string> expected,
               std::string value, bool succeeded) {
  kv_op op;
  op.type = kv_op::kind::cas;
  op.client = client;
  op.call = call;
  op.ret = ret;
  op.key = std::move(key);
  op.expected = std::move(expected);
  op.value = std::move(value);
  op.ok = succeeded;
  return op;
}

namespace {

std::string quote(const std::string& s) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 0xf];
    }
  }
  out += '"';
  return out;
}

std::string quote(const std::optional<std::string>& s) {
  return s ? quote(*s) : std::string("none");
}

} // namespace

std::string describe(const kv_op& op) {
  std::string s = "c" + std::to_string(op.client) + " ["
                  + std::to_string(op.call) + ","
                  + (op.has_result() ? std::to_string(op.ret) : "never")
                  + "] ";
  bool known = op.has_result();
  switch (op.type) {
    case kv_op::kind::put:
      s += "put(" + quote(op.key) + ", " + quote(op.value) + ") -> "
           + (known ? "ok" : "?");
      break;
    case kv_op::kind::get:
      s += "get(" + quote(op.key) + ") -> " + (known ? quote(op.got) : "?");
      break;
    case kv_op::kind::del:
      s += "del(" + quote(op.key) + ") -> "
           + (known ? std::to_string(op.deleted) : "?");
      break;
    case kv_op::kind::cas:
      s += "cas(" + quote(op.key) + ", " + quote(op.expected) + " -> "
           + quote(op.value) + ") -> "
           + (known ? (op.ok ? "true" : "false") : "?");
      break;
  }
  return s;
}

const char* to_string(check_result::verdict v) {
  switch (v) {
    case check_result::verdict::linearizable:
      return "linearizable";
    case check_result::verdict::not_linearizable:
      return "not_linearizable";
    case check_result::verdict::unknown:
      return "unknown";
  }
  return "invalid verdict";
}

std::ostream& operator<<(std::ostream& os, check_result::verdict v) {
  return os << to_string(v);
}

// -- the search ---------------------------------------------------------------

namespace {

/// The register's value as the search sees it: an observed value (one that
/// some get returned or some cas compared with), `other` for any value that
/// no op can tell from another, or `absent`.
using value_id = std::int32_t;
constexpr value_id absent = -1;
constexpr value_id other = -2;

/// An operation of one key, with its values as value_ids.
struct model_op {
  kv_op::kind type = kv_op::kind::get;
  bool known = false;
  value_id value = absent;
  value_id expected = absent;
  value_id got = absent;
  bool ok = false;
  std::int64_t deleted = 0;
  std::int64_t call = 0;
  std::int64_t ret = never;
  /// Position in the caller's history.
  std::size_t index = 0;
};

/// Applies `op` to `state`. Returns false if the op's known result is not
/// what the model gives; otherwise sets `next`.
bool step(value_id state, const model_op& op, value_id& next) {
  switch (op.type) {
    case kv_op::kind::put:
      next = op.value;
      return true;
    case kv_op::kind::get:
      next = state;
      return !op.known || op.got == state;
    case kv_op::kind::del:
      next = absent;
      return !op.known || op.deleted == (state == absent ? 0 : 1);
    case kv_op::kind::cas: {
      bool match = state == op.expected;
      next = match ? op.value : state;
      return !op.known || op.ok == match;
    }
  }
  return false;
}

std::uint64_t mix(std::uint64_t x) {
  // splitmix64's finalizer.
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// A set of ops, numbered 0..n-1, with what the cache needs to store it
/// compactly: every op below `first_unset` is in the set, so only the words
/// from first_unset / 64 to the word of the highest member are kept.
class op_set {
public:
  explicit op_set(std::size_t n) : n_(n), words_((n + 63) / 64, 0) {
    // nop
  }

  void insert(std::size_t i) {
    words_[i / 64] |= std::uint64_t{1} << (i % 64);
    if (highest_ < 0 || static_cast<std::size_t>(highest_) < i)
      highest_ = static_cast<std::int64_t>(i);
    if (i == first_unset_)
      advance_first_unset();
  }

  void erase(std::size_t i) {
    words_[i / 64] &= ~(std::uint64_t{1} << (i % 64));
    if (i < first_unset_)
      first_unset_ = i;
    if (static_cast<std::int64_t>(i) == highest_)
      retreat_highest(i);
  }

  /// The first word kept by the compact form.
  std::size_t first_word() const { return first_unset_ / 64; }

  /// The number of words kept by the compact form.
  std::size_t word_count() const {
    if (highest_ < 0)
      return 0;
    auto last = static_cast<std::size_t>(highest_) / 64;
    return last < first_word() ? 0 : last - first_word() + 1;
  }

  const std::uint64_t* words() const { return words_.data(); }

  /// The number of words of the whole set.
  std::size_t size_in_words() const { return words_.size(); }

private:
  void advance_first_unset() {
    std::size_t w = first_unset_ / 64;
    std::uint64_t bits = ~words_[w] & (all_ones << (first_unset_ % 64));
    while (bits == 0 && ++w < words_.size())
      bits = ~words_[w];
    if (w == words_.size()) {
      first_unset_ = n_;
      return;
    }
    auto lowest = static_cast<std::size_t>(__builtin_ctzll(bits));
    first_unset_ = std::min(n_, w * 64 + lowest);
  }

  void retreat_highest(std::size_t erased) {
    std::size_t w = erased / 64;
    std::uint64_t bits = 0;
    if (erased % 64 != 0)
      bits = words_[w] & (all_ones >> (64 - erased % 64));
    while (bits == 0 && w > 0)
      bits = words_[--w];
    if (bits == 0) {
      highest_ = -1;
      return;
    }
    auto top = static_cast<std::size_t>(63 - __builtin_clzll(bits));
    highest_ = static_cast<std::int64_t>(w * 64 + top);
  }

  static constexpr std::uint64_t all_ones = ~std::uint64_t{0};

  std::size_t n_;
  std::vector<std::uint64_t> words_;
  std::size_t first_unset_ = 0;
  std::int64_t highest_ = -1;
};

/// The search states already visited after a known op: (known, unknown,
/// value), where `known` and `unknown` are the sets of linearized ops of each
/// kind.
///
/// why: besides exact repeats, a state is pruned if a fully explored (failed)
/// state with the same known set and value had linearized a subset of its
/// unknown-outcome ops. Such an op can always be left for the very end, so
/// the state with fewer of them can do anything the other can. Only the
/// `dominance_scan` most recently failed such states are compared, which
/// keeps each insert cheap (pruning less is always sound).
///
/// Memory: about 100 bytes plus the kept words of both sets per state.
class state_cache {
public:
  /// Returned by insert() for a pruned state.
  static constexpr std::size_t pruned = static_cast<std::size_t>(-1);

  static constexpr std::size_t dominance_scan = 16;

  state_cache() : slots_(1024, 0) {
    // nop
  }

  /// Adds a state unless it was visited or is dominated by a failed state.
  /// Returns its id for done(), or `pruned`.
  std::size_t insert(const op_set& known, const op_set& unknown,
                     value_id state) {
    entry e;
    e.state = state;
    e.k_first = known.first_word();
    e.k_count = known.word_count();
    e.u_count = unknown.size_in_words();
    const std::uint64_t* kw = known.words() + e.k_first;
    const std::uint64_t* uw = unknown.words();
    std::uint64_t h = mix(static_cast<std::uint64_t>(state));
    h = mix(h ^ e.k_first);
    for (std::size_t i = 0; i < e.k_count; ++i)
      h = mix(h ^ kw[i]);
    e.group_hash = h;
    for (std::size_t i = 0; i < e.u_count; ++i)
      h = mix(h ^ uw[i]);
    e.hash = h;
    // Exact repeats.
    std::size_t mask = slots_.size() - 1;
    std::size_t slot = h & mask;
    for (; slots_[slot] != 0; slot = (slot + 1) & mask) {
      const entry& o = entries_[slots_[slot] - 1];
      if (o.hash == h && same_known(o, e, kw)
          && std::equal(uw, uw + e.u_count, arena_.begin() + o.u_offset))
        return pruned;
    }
    // Dominated by a failed state.
    if (auto it = failed_.find(e.group_hash); it != failed_.end()) {
      std::size_t scanned = 0;
      for (auto id = it->second; id != none && scanned < dominance_scan;
           id = entries_[id].next_failed, ++scanned) {
        const entry& o = entries_[id];
        if (same_known(o, e, kw) && is_subset(o, uw))
          return pruned;
      }
    }
    e.k_offset = arena_.size();
    arena_.insert(arena_.end(), kw, kw + e.k_count);
    e.u_offset = arena_.size();
    arena_.insert(arena_.end(), uw, uw + e.u_count);
    entries_.push_back(e);
    slots_[slot] = entries_.size();
    if (entries_.size() * 2 > slots_.size())
      grow();
    return entries_.size() - 1;
  }

  /// Marks state `id` as fully explored without success.
  void failed(std::size_t id) {
    auto [it, added] = failed_.emplace(entries_[id].group_hash, id);
    entries_[id].next_failed = added ? none : it->second;
    it->second = id;
  }

private:
  static constexpr std::size_t none = static_cast<std::size_t>(-1);

  struct entry {
    /// Of (known, unknown, state), and of (known, state).
    std::uint64_t hash = 0;
    std::uint64_t group_hash = 0;
    std::size_t k_offset = 0;
    std::size_t k_first = 0;
    std::size_t k_count = 0;
    std::size_t u_offset = 0;
    std::size_t u_count = 0;
    value_id state = absent;
    /// The failed state with the same group_hash that failed before it.
    std::size_t next_failed = none;
  };

  bool same_known(const entry& o, const entry& e,
                  const std::uint64_t* kw) const {
    return o.state == e.state && o.k_first == e.k_first
           && o.k_count == e.k_count
           && std::equal(kw, kw + e.k_count, arena_.begin() + o.k_offset);
  }

  /// True if the unknown set of `o` is a subset of `uw`.
  bool is_subset(const entry& o, const std::uint64_t* uw) const {
    for (std::size_t w = 0; w < o.u_count; ++w)
      if ((arena_[o.u_offset + w] & ~uw[w]) != 0)
        return false;
    return true;
  }

  void grow() {
    std::vector<std::size_t> old(slots_.size() * 2, 0);
    old.swap(slots_);
    std::size_t mask = slots_.size() - 1;
    for (auto id : old) {
      if (id == 0)
        continue;
      std::size_t slot = entries_[id - 1].hash & mask;
      while (slots_[slot] != 0)
        slot = (slot + 1) & mask;
      slots_[slot] = id;
    }
  }

  /// Open addressing over entries_: entry id + 1, or 0 for an empty slot.
  std::vector<std::size_t> slots_;
  std::vector<entry> entries_;
  /// The last failed entry of each group_hash; the others are chained.
  std::unordered_map<std::uint64_t, std::size_t> failed_;
  std::vector<std::uint64_t> arena_;
};

/// The history of one key, ready for the search.
struct key_history {
  /// Every op of the key, in call order.
  std::vector<model_op> ops;
  /// Positions in `ops` of the ops with a known result, in call order.
  std::vector<std::size_t> known;
  /// Positions in `ops` of the ops with an unknown outcome, in call order.
  std::vector<std::size_t> unknown;
  /// The unknown-outcome ops by class (same effect), as positions in `ops`
  /// in call order.
  std::vector<std::vector<std::size_t>> classes;
};

key_history build_key_history(const std::vector<kv_op>& history,
                              std::vector<std::size_t> indices) {
  std::stable_sort(indices.begin(), indices.end(),
                   [&history](std::size_t a, std::size_t b) {
                     return history[a].call < history[b].call;
                   });
  // why: a value that no get returns and no cas compares with cannot be told
  // from another such value; mapping them all to `other` lets the cache
  // merge states that differ only by them.
  std::unordered_map<std::string, value_id> observed;
  auto observe = [&observed](const std::string& v) {
    return observed.emplace(v, static_cast<value_id>(observed.size()))
      .first->second;
  };
  for (auto i : indices) {
    const kv_op& op = history[i];
    if (op.type == kv_op::kind::get && op.got)
      observe(*op.got);
    if (op.type == kv_op::kind::cas && op.expected)
      observe(*op.expected);
  }
  auto id_of = [&observed](const std::string& v) {
    auto it = observed.find(v);
    return it == observed.end() ? other : it->second;
  };
  key_history h;
  // why: unknown-outcome ops with the same effect are interchangeable once
  // invoked, so the search only ever uses the earliest unused one of each
  // class.
  std::map<std::tuple<kv_op::kind, value_id, value_id>, std::size_t> classes;
  h.ops.reserve(indices.size());
  for (auto i : indices) {
    const kv_op& op = history[i];
    model_op m;
    m.type = op.type;
    m.known = op.has_result();
    m.call = op.call;
    m.ret = op.ret;
    m.index = i;
    if (op.type == kv_op::kind::put || op.type == kv_op::kind::cas)
      m.value = id_of(op.value);
    if (op.type == kv_op::kind::cas && op.expected)
      m.expected = id_of(*op.expected);
    if (op.type == kv_op::kind::get && m.known && op.got)
      m.got = id_of(*op.got);
    m.ok = op.ok;
    m.deleted = op.deleted;
    if (!m.known) {
      auto [it, added] = classes.emplace(
        std::make_tuple(m.type, m.value, m.expected), h.classes.size());
      if (added)
        h.classes.emplace_back();
      h.classes[it->second].push_back(h.ops.size());
    }
    (m.known ? h.known : h.unknown).push_back(h.ops.size());
    h.ops.push_back(m);
  }
  return h;
}

enum class outcome { linearizable, not_linearizable, unknown };

struct search_result {
  outcome out = outcome::linearizable;
  std::size_t states = 0;
  /// not_linearizable: the linearizable prefix with the most known ops found
  /// (positions in key_history::ops).
  std::vector<std::size_t> best;
};

/// Lowe's search over the ops of `h`, as in Porcupine: a depth-first search
/// that linearizes one op at a time, with a cache of visited states. The
/// call and return events of the ops with a known result are linked in time
/// order (a call before a return at equal times: touching intervals are
/// concurrent); at each step the candidates are the calls before the first
/// return. Ops with an unknown outcome never return: they are candidates
/// from their call on, tried after the others, and left out (linearized
/// "at the end") once every known op is linearized.
///
/// why: unknown-outcome ops made the plain search explode, each of them
/// being tried everywhere. Besides the cache's dominance rule, the search
/// only follows linearizations in a normal form that exists whenever any
/// linearization does:
/// - an unknown-outcome op W changes the value, and the op right after W
///   does not ignore it (gives the same result and value without W, as a put
///   always does); else W can move to the very end, i.e. never happen;
/// - of the unknown-outcome ops of one class, the earliest invoked is used
///   first.
/// Trying them after the known candidates lets the dominance rule prune
/// them once the states without them have failed.
search_result search(const key_history& h, std::size_t max_states) {
  search_result res;
  const std::size_t n = h.ops.size();
  // Each op's number in its set (known or unknown).
  std::vector<std::size_t> slot(n);
  for (std::size_t j = 0; j < h.known.size(); ++j)
    slot[h.known[j]] = j;
  for (std::size_t j = 0; j < h.unknown.size(); ++j)
    slot[h.unknown[j]] = j;
  // Node 2i is the call of known op i, node 2i + 1 its return, node 2n the
  // sentinel of the circular list.
  const std::size_t head = 2 * n;
  auto time_of = [&h](std::size_t node) {
    const auto& op = h.ops[node / 2];
    return node % 2 == 0 ? op.call : op.ret;
  };
  std::vector<std::size_t> order;
  order.reserve(2 * h.known.size());
  for (auto i : h.known) {
    order.push_back(2 * i);
    order.push_back(2 * i + 1);
  }
  std::sort(order.begin(), order.end(),
            [&time_of](std::size_t a, std::size_t b) {
              return std::make_tuple(time_of(a), a % 2, a)
                     < std::make_tuple(time_of(b), b % 2, b);
            });
  std::vector<std::size_t> next(2 * n + 1);
  std::vector<std::size_t> prev(2 * n + 1);
  std::size_t last = head;
  for (auto node : order) {
    next[last] = node;
    prev[node] = last;
    last = node;
  }
  next[last] = head;
  prev[head] = last;
  // Removes a call and its return from the list, and puts them back in the
  // reverse order (the removed nodes keep their links: dancing links).
  auto lift = [&](std::size_t call) {
    for (auto node : {call, call + 1}) {
      next[prev[node]] = next[node];
      prev[next[node]] = prev[node];
    }
  };
  auto unlift = [&](std::size_t call) {
    for (auto node : {call + 1, call}) {
      next[prev[node]] = node;
      prev[next[node]] = node;
    }
  };
  struct frame {
    /// The op linearized (a position in h.ops).
    std::size_t op;
    value_id state_before;
    /// Known: the state it led to in the cache. Unknown: the time of the
    /// first return when it was chosen (those states are not cached).
    std::size_t cached;
    std::int64_t limit;
  };
  std::vector<frame> stack;
  // The prefix with the most known ops so far, for explanations.
  // why: copying the whole stack each time would be quadratic on long
  // sequential histories; `best` shares its first best_shared ops with the
  // stack.
  std::size_t best_known = 0;
  std::size_t best_shared = 0;
  op_set known_set(h.known.size());
  op_set unknown_set(h.unknown.size());
  // Per class: how many of its ops are linearized (always the first ones).
  std::vector<std::size_t> used(h.classes.size(), 0);
  std::vector<std::size_t> class_of(n, 0);
  for (std::size_t c = 0; c < h.classes.size(); ++c)
    for (auto i : h.classes[c])
      class_of[i] = c;
  std::size_t known_left = h.known.size();
  state_cache cache;
  value_id state = absent;
  // The cursor: a node of the list, or (in_unknown) the next class to try
  // and the time up to which unknown-outcome ops are candidates.
  bool in_unknown = false;
  std::size_t node = next[head];
  std::size_t cls = 0;
  std::int64_t limit = 0;
  // Tries to linearize op i next. Returns true if the search went one step
  // deeper (the cursor is then at the first candidate).
  auto try_op = [&](std::size_t i) {
    const model_op& op = h.ops[i];
    value_id after = absent;
    if (!step(state, op, after) || (!op.known && after == state))
      return false;
    if (!stack.empty() && !h.ops[stack.back().op].known) {
      // Right after an unknown-outcome op W: this op must not ignore W.
      value_id without_w = absent;
      if (step(stack.back().state_before, op, without_w) && without_w == after)
        return false;
    }
    frame f{i, state, state_cache::pruned, limit};
    if (op.known) {
      known_set.insert(slot[i]);
      f.cached = cache.insert(known_set, unknown_set, after);
      if (f.cached == state_cache::pruned) {
        known_set.erase(slot[i]);
        return false;
      }
      --known_left;
      lift(2 * i);
    } else {
      unknown_set.insert(slot[i]);
      ++used[class_of[i]];
    }
    ++res.states;
    stack.push_back(f);
    state = after;
    if (op.known && h.known.size() - known_left > best_known) {
      best_known = h.known.size() - known_left;
      res.best.resize(stack.size());
      for (std::size_t k = best_shared; k < stack.size(); ++k)
        res.best[k] = stack[k].op;
      best_shared = stack.size();
    }
    in_unknown = false;
    node = next[head];
    return true;
  };
  while (known_left > 0) {
    if (res.states > max_states) {
      res.out = outcome::unknown;
      break;
    }
    if (!in_unknown) {
      if (node % 2 == 0) {
        if (!try_op(node / 2))
          node = next[node];
        continue;
      }
      // The first return: every known candidate has been tried. Now the
      // unknown-outcome ops invoked by then, one class at a time.
      in_unknown = true;
      cls = 0;
      limit = time_of(node);
    }
    if (cls < h.classes.size()) {
      const auto& ops = h.classes[cls];
      std::size_t c = cls++;
      if (used[c] < ops.size() && h.ops[ops[used[c]]].call <= limit)
        try_op(ops[used[c]]);
      continue;
    }
    // No candidate left: undo the last step and go on with the candidates
    // after it.
    if (stack.empty()) {
      res.out = outcome::not_linearizable;
      break;
    }
    frame f = stack.back();
    stack.pop_back();
    best_shared = std::min(best_shared, stack.size());
    state = f.state_before;
    if (h.ops[f.op].known) {
      cache.failed(f.cached);
      known_set.erase(slot[f.op]);
      ++known_left;
      unlift(2 * f.op);
      in_unknown = false;
      node = next[2 * f.op];
    } else {
      unknown_set.erase(slot[f.op]);
      --used[class_of[f.op]];
      in_unknown = true;
      cls = class_of[f.op] + 1;
      limit = f.limit;
    }
  }
  return res;
}

/// Appends "  #i <op>\n" for the ops of `h` at `positions`, at most `limit`
/// of them (the last ones if `tail`).
void list_ops(std::string& out, const std::vector<kv_op>& history,
              const key_history& h, const std::vector<std::size_t>& positions,
              std::size_t limit, bool tail) {
  std::size_t count = positions.size();
  std::size_t skip = count > limit ? count - limit : 0;
  if (tail && skip > 0)
    out += "  ... " + std::to_string(skip) + " earlier\n";
  for (std::size_t k = tail ? skip : 0; k < (tail ? count : count - skip);
       ++k) {
    auto index = h.ops[positions[k]].index;
    out += "  #" + std::to_string(index) + " " + describe(history[index])
           + "\n";
  }
  if (!tail && skip > 0)
    out += "  ... " + std::to_string(skip) + " more\n";
}

std::string explain_failure(const std::vector<kv_op>& history,
                            const key_history& h, const search_result& r) {
  const std::size_t n = h.ops.size();
  std::string out = "no linearization of the " + std::to_string(n)
                    + " operations on key " + quote(history[h.ops[0].index].key)
                    + "\n";
  std::vector<bool> done(n, false);
  std::optional<std::string> value;
  for (auto i : r.best) {
    done[i] = true;
    const kv_op& op = history[h.ops[i].index];
    if (op.type == kv_op::kind::put
        || (op.type == kv_op::kind::cas && value == op.expected))
      value = op.value;
    else if (op.type == kv_op::kind::del)
      value.reset();
  }
  if (r.best.empty()) {
    out += "no operation can come first";
  } else {
    out += "longest linearizable prefix: " + std::to_string(r.best.size())
           + " operations, ending with\n";
    list_ops(out, history, h, r.best, 8, true);
    out += "after which the value is "
           + (value ? quote(*value) : std::string("absent"))
           + ", and none of these can come next";
  }
  // The candidates: ops with a known result, not yet linearized, invoked
  // before the earliest response among them (with or without some
  // unknown-outcome ops before them).
  std::int64_t first_ret = never;
  for (std::size_t i = 0; i < n; ++i)
    if (!done[i])
      first_ret = std::min(first_ret, h.ops[i].ret);
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < n; ++i)
    if (!done[i] && h.ops[i].known && h.ops[i].call <= first_ret)
      candidates.push_back(i);
  out += ":\n";
  list_ops(out, history, h, candidates, 16, false);
  // The ops around there, in call order: from a little before the first op
  // left out of the prefix to a little after the last candidate.
  std::size_t first_left = 0;
  while (first_left < n && done[first_left])
    ++first_left;
  std::size_t from = first_left > 20 ? first_left - 20 : 0;
  std::size_t to = candidates.empty() ? n : candidates.back() + 6;
  std::vector<std::size_t> around;
  for (std::size_t i = from; i < std::min(n, to); ++i)
    around.push_back(i);
  out += "operations on the key in call order";
  if (from > 0)
    out += " (" + std::to_string(from) + " earlier ones left out)";
  out += ":\n";
  list_ops(out, history, h, around, 100, false);
  if (to < n)
    out += "  ... " + std::to_string(n - to) + " later\n";
  return out;
}

} // namespace

check_result check_kv_history(const std::vector<kv_op>& history,
                              std::size_t max_states_per_key) {
  std::map<std::string, std::vector<std::size_t>> by_key;
  for (std::size_t i = 0; i < history.size(); ++i) {
    const kv_op& op = history[i];
    if (op.ret < op.call)
      throw std::invalid_argument("operation #" + std::to_string(i)
                                  + " responds before its call: "
                                  + describe(op));
    // why: a get whose result is unknown neither changes nor shows anything.
    if (op.type == kv_op::kind::get && !op.has_result())
      continue;
    by_key[op.key].push_back(i);
  }
  check_result result;
  std::optional<check_result> gave_up;
  for (auto& [key, indices] : by_key) {
    key_history h = build_key_history(history, std::move(indices));
    search_result r = search(h, max_states_per_key);
    result.states += r.states;
    if (r.out == outcome::not_linearizable) {
      result.v = check_result::verdict::not_linearizable;
      result.key = key;
      result.explanation = explain_failure(history, h, r);
      return result;
    }
    if (r.out == outcome::unknown && !gave_up) {
      gave_up = check_result{};
      gave_up->v = check_result::verdict::unknown;
      gave_up->key = key;
      gave_up->explanation
        = "gave up on key " + quote(key) + " after exploring "
          + std::to_string(r.states) + " states (the budget is "
          + std::to_string(max_states_per_key) + "); its "
          + std::to_string(h.ops.size())
          + " operations are too concurrent to check exhaustively";
    }
  }
  if (gave_up) {
    gave_up->states = result.states;
    return *gave_up;
  }
  return result;
}

// -- history_recorder ---------------------------------------------------------

namespace {

enum : std::uint8_t { pending = 0, completed = 1, discarded = 2 };

} // namespace

history_recorder::history_recorder()
  : history_recorder([start = std::chrono::steady_clock::now()] {
      return static_cast<std::int64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(
          std::chrono::steady_clock::now() - start)
          .count());
    }) {
  // nop
}

history_recorder::history_recorder(std::function<std::int64_t()> now)
  : now_(std::move(now)) {
  // nop
}

std::size_t history_recorder::invoke(kv_op op) {
  std::lock_guard<std::mutex> guard{mu_};
  op.call = now_();
  op.ret = never;
  op.got.reset();
  op.ok = false;
  op.deleted = 0;
  ops_.push_back(std::move(op));
  status_.push_back(pending);
  return ops_.size() - 1;
}

kv_op& history_recorder::respond(std::size_t id,
                                 std::optional<kv_op::kind> type) {
  if (id >= ops_.size())
    throw std::out_of_range("history_recorder: no operation #"
                            + std::to_string(id));
  if (status_[id] != pending)
    throw std::logic_error("history_recorder: operation #"
                           + std::to_string(id) + " was already completed");
  kv_op& op = ops_[id];
  if (type && *type != op.type)
    throw std::logic_error("history_recorder: operation #"
                           + std::to_string(id)
                           + " completed as the wrong kind: "
                           + describe(op));
  status_[id] = completed;
  if (type)
    op.ret = std::max(op.call, now_());
  return op;
}

void history_recorder::complete_put(std::size_t id) {
  std::lock_guard<std::mutex> guard{mu_};
  respond(id, kv_op::kind::put);
}

void history_recorder::complete_get(std::size_t id,
                                    std::optional<std::string> got) {
  std::lock_guard<std::mutex> guard{mu_};
  respond(id, kv_op::kind::get).got = std::move(got);
}

void history_recorder::complete_del(std::size_t id, std::int64_t deleted) {
  std::lock_guard<std::mutex> guard{mu_};
  respond(id, kv_op::kind::del).deleted = deleted;
}

void history_recorder::complete_cas(std::size_t id, bool succeeded) {
  std::lock_guard<std::mutex> guard{mu_};
  respond(id, kv_op::kind::cas).ok = succeeded;
}

void history_recorder::complete_unknown(std::size_t id) {
  std::lock_guard<std::mutex> guard{mu_};
  respond(id, std::nullopt);
}

void history_recorder::discard(std::size_t id) {
  std::lock_guard<std::mutex> guard{mu_};
  respond(id, std::nullopt);
  status_[id] = discarded;
}

std::vector<kv_op> history_recorder::ops() const {
  std::lock_guard<std::mutex> guard{mu_};
  std::vector<kv_op> out;
  out.reserve(ops_.size());
  for (std::size_t i = 0; i < ops_.size(); ++i)
    if (status_[i] != discarded)
      out.push_back(ops_[i]);
  return out;
}

} // namespace gd::test
