#include "cmd/glcli/cluster_parse.hpp"

#include <algorithm>
#include <set>

#include "cmd/client/address.hpp"

namespace gd::glcli {

namespace {

/// The keywords of volume create and add-brick, which never name a volume
/// or a brick.
const std::set<std::string>& layout_keywords() {
  static const std::set<std::string> k{"replica",    "arbiter",
                                       "disperse",   "disperse-data",
                                       "redundancy", "transport"};
  return k;
}

bool looks_like_brick(const std::string& word) {
  return word.find(':') != std::string::npos;
}

/// The volume name at w[0], or usage_error if it is missing or is clearly
/// something else (a keyword, a brick).
std::string volume_name_at(const words& w, const std::string& form) {
  if (w.empty())
    throw usage_error("missing the volume name (" + form + ")");
  const auto& name = w[0];
  if (name.empty())
    throw usage_error("the volume name is empty");
  if (layout_keywords().count(name) > 0 || name == "force")
    throw usage_error("missing the volume name before '" + name + "' ("
                      + form + ")");
  if (looks_like_brick(name))
    throw usage_error("missing the volume name: '" + name
                      + "' is a brick, not a volume name (" + form + ")");
  return name;
}

/// Parses the count after keyword w[i]. Throws usage_error if it is
/// missing, not a whole number, or out of range.
std::uint32_t count_after(const words& w, std::size_t i) {
  const auto& keyword = w[i];
  if (i + 1 >= w.size())
    throw usage_error(keyword + " needs a count, e.g. '" + keyword + " "
                      + (keyword == "arbiter" ? "1" : "3") + "'");
  const auto& text = w[i + 1];
  bool digits = !text.empty()
                && std::all_of(text.begin(), text.end(),
                               [](char c) { return c >= '0' && c <= '9'; });
  if (!digits)
    throw usage_error(keyword + " count '" + text + "' is not a number");
  if (text.size() > 6)
    throw usage_error(keyword + " count '" + text + "' is too large");
  return static_cast<std::uint32_t>(std::stoul(text));
}

/// Remembers which keywords were given; a second one is an error.
class seen_keywords {
public:
  void add(const std::string& keyword) {
    if (!seen_.insert(keyword).second)
      throw usage_error(keyword + " is given twice");
  }

private:
  std::set<std::string> seen_;
};

/// The replica count rules gluster's CLI checks.
void check_replica(std::uint32_t replica) {
  if (replica < 2)
    throw usage_error("replica count should be greater than 1 (got "
                      + std::to_string(replica) + ")");
}

void check_arbiter(std::uint32_t replica, std::uint32_t arbiter) {
  if (arbiter != 1 || replica != 3)
    throw usage_error("for an arbiter volume, give replica 3 arbiter 1 (the "
                      "3rd brick of each replica set is the arbiter)");
}

/// Parses bricks from w[i] on, with an optional `force` as the last word
/// if `allow_force`. `expected` lists the keywords allowed before the
/// bricks, for the message about an unknown word.
void parse_bricks(const words& w, std::size_t i, bool allow_force,
                  const std::string& expected,
                  std::vector<cluster::brick_spec>& bricks, bool* force) {
  std::set<std::string> names;
  for (; i < w.size(); ++i) {
    const auto& word = w[i];
    if (word == "force" && allow_force) {
      if (i + 1 != w.size())
        throw usage_error("force must come last");
      *force = true;
      break;
    }
    if (layout_keywords().count(word) > 0)
      throw usage_error("'" + word + "' must come before the bricks");
    if (!looks_like_brick(word)) {
      if (bricks.empty())
        throw usage_error("unknown word '" + word + "' (expected " + expected
                          + "a brick HOST:/path)");
      throw usage_error("'" + word + "' is not a brick HOST:/path");
    }
    cluster::brick_spec b;
    if (auto e = cluster::parse_brick(word, b); !e.empty())
      throw usage_error(e);
    if (!names.insert(b.name()).second)
      throw usage_error("brick " + b.name() + " is given twice");
    bricks.push_back(std::move(b));
  }
  if (bricks.empty())
    throw usage_error("no bricks given (expected one or more HOST:/path)");
}

cluster::brick_spec brick_at(const words& w, std::size_t i) {
  cluster::brick_spec b;
  if (auto e = cluster::parse_brick(w[i], b); !e.empty())
    throw usage_error(e);
  return b;
}

void no_more(const words& w, std::size_t from, const std::string& form) {
  if (from < w.size())
    throw usage_error("unexpected word '" + w[from] + "' (" + form + ")");
}

/// Works out the disperse set of a create from what was given.
void settle_disperse(cluster::volume_create& c, bool disperse_given,
                     std::uint32_t data) {
  if (!disperse_given && data == 0 && c.redundancy_count == 0)
    return;
  auto n = static_cast<std::uint32_t>(c.bricks.size());
  auto d = c.disperse_count;
  if (data != 0) {
    if (d == 0)
      d = c.redundancy_count != 0 ? data + c.redundancy_count : n;
    if (d <= data)
      throw usage_error("disperse-data " + std::to_string(data)
                        + " leaves no redundancy in a disperse "
                        + std::to_string(d) + " set");
    if (c.redundancy_count != 0 && data + c.redundancy_count != d)
      throw usage_error("disperse " + std::to_string(d)
                        + " is not disperse-data " + std::to_string(data)
                        + " + redundancy "
                        + std::to_string(c.redundancy_count));
    c.redundancy_count = d - data;
  }
  if (d == 0)
    d = n;
  if (d < 3)
    throw usage_error("disperse count must be greater than 2 (got "
                      + std::to_string(d) + ")");
  if (c.redundancy_count != 0 && 2 * c.redundancy_count >= d)
    throw usage_error("redundancy must be less than "
                      + std::to_string((d + 1) / 2) + " for a disperse "
                      + std::to_string(d) + " volume");
  if (n % d != 0)
    throw usage_error("number of bricks (" + std::to_string(n)
                      + ") is not a multiple of disperse count ("
                      + std::to_string(d) + ")");
  c.disperse_count = d;
}

constexpr const char* create_form =
  "volume create NAME [replica N [arbiter 1]] [disperse [N]] "
  "[disperse-data N] [redundancy M] [transport tcp] BRICK... [force]";
constexpr const char* add_brick_form =
  "volume add-brick NAME [replica N [arbiter 1]] BRICK... [force]";
constexpr const char* remove_brick_form =
  "volume remove-brick NAME [replica N] BRICK... "
  "start|stop|status|commit|force";
constexpr const char* replace_brick_form =
  "volume replace-brick NAME OLD-BRICK NEW-BRICK commit force";

bool is_count(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

} // namespace

cluster::volume_create parse_volume_create(const words& w) {
  cluster::volume_create c;
  c.name = volume_name_at(w, create_form);
  seen_keywords seen;
  bool disperse_given = false;
  std::uint32_t data = 0;
  std::size_t i = 1;
  while (i < w.size()) {
    const auto& word = w[i];
    if (word == "replica") {
      seen.add(word);
      c.replica_count = count_after(w, i);
      check_replica(c.replica_count);
      i += 2;
    } else if (word == "arbiter") {
      seen.add(word);
      if (c.replica_count == 0)
        throw usage_error("arbiter must follow replica: use replica 3 "
                          "arbiter 1");
      c.arbiter_count = count_after(w, i);
      check_arbiter(c.replica_count, c.arbiter_count);
      i += 2;
    } else if (word == "disperse") {
      seen.add(word);
      disperse_given = true;
      // why: gluster's count is optional ("disperse [<COUNT>]"); without
      // it every brick is in the one set.
      if (i + 1 < w.size() && is_count(w[i + 1])) {
        c.disperse_count = count_after(w, i);
        i += 2;
      } else {
        i += 1;
      }
    } else if (word == "disperse-data") {
      seen.add(word);
      data = count_after(w, i);
      if (data < 2)
        throw usage_error("disperse-data count must be greater than 1 (got "
                          + std::to_string(data) + ")");
      i += 2;
    } else if (word == "redundancy") {
      seen.add(word);
      c.redundancy_count = count_after(w, i);
      if (c.redundancy_count == 0)
        throw usage_error("redundancy count must be greater than 0");
      i += 2;
    } else if (word == "transport") {
      seen.add(word);
      if (i + 1 >= w.size())
        throw usage_error("transport needs a value: tcp, rdma or tcp,rdma");
      const auto& t = w[i + 1];
      if (t != "tcp" && t != "rdma" && t != "tcp,rdma")
        throw usage_error("transport '" + t
                          + "' is not tcp, rdma or tcp,rdma");
      c.transport = t;
      i += 2;
    } else {
      break;
    }
  }
  if (c.replica_count != 0
      && (disperse_given || data != 0 || c.redundancy_count != 0))
    throw usage_error("replica and disperse cannot be combined in one "
                      "volume");
  parse_bricks(w, i, true,
               "replica, arbiter, disperse, disperse-data, redundancy, "
               "transport or ",
               c.bricks, &c.force);
  auto n = static_cast<std::uint32_t>(c.bricks.size());
  if (c.replica_count != 0 && n % c.replica_count != 0)
    throw usage_error("number of bricks (" + std::to_string(n)
                      + ") is not a multiple of replica count ("
                      + std::to_string(c.replica_count) + ")");
  settle_disperse(c, disperse_given, data);
  return c;
}

name_force parse_name_force(const words& w) {
  const std::string form = "NAME [force]";
  name_force r;
  r.name = volume_name_at(w, form);
  if (w.size() >= 2) {
    if (w[1] != "force")
      throw usage_error("unexpected word '" + w[1] + "' (" + form + ")");
    r.force = true;
  }
  no_more(w, 2, form);
  return r;
}

std::string parse_volume_name(const words& w) {
  auto name = volume_name_at(w, "NAME");
  no_more(w, 1, "NAME");
  return name;
}

std::string parse_volume_selector(const words& w) {
  if (w.empty())
    return {};
  no_more(w, 1, "[NAME|all]");
  if (w[0].empty())
    throw usage_error("the volume name is empty");
  return w[0] == "all" ? std::string() : w[0];
}

void parse_nothing(const words& w) {
  if (!w.empty())
    throw usage_error("unexpected word '" + w[0] + "' (takes no arguments)");
}

cluster::volume_set parse_volume_set(const words& w) {
  const std::string form = "NAME KEY VALUE";
  cluster::volume_set r;
  if (w.empty())
    throw usage_error("missing the volume name (" + form + ")");
  r.name = w[0];
  if (w.size() < 2)
    throw usage_error("missing the option key and value (" + form + ")");
  r.key = w[1];
  if (r.key.empty())
    throw usage_error("the option key is empty");
  if (w.size() < 3)
    throw usage_error("missing the value of " + r.key + " (" + form + ")");
  r.value = w[2];
  if (w.size() > 3)
    throw usage_error("unexpected word '" + w[3]
                      + "' (one option at a time: " + form + ")");
  return r;
}

option_query parse_volume_get(const words& w) {
  const std::string form = "NAME|all KEY|all";
  if (w.empty())
    throw usage_error("missing the volume name (" + form + ")");
  if (w.size() < 2)
    throw usage_error("missing the option key, or all (" + form + ")");
  no_more(w, 2, form);
  if (w[0].empty() || w[1].empty())
    throw usage_error(w[0].empty() ? "the volume name is empty"
                                   : "the option key is empty");
  return {w[0], w[1]};
}

cluster::volume_reset parse_volume_reset(const words& w) {
  const std::string form = "NAME [KEY|all] [force]";
  cluster::volume_reset r;
  if (w.empty())
    throw usage_error("missing the volume name (" + form + ")");
  r.name = w[0];
  std::size_t i = 1;
  if (i < w.size() && w[i] != "force") {
    if (w[i].empty())
      throw usage_error("the option key is empty");
    r.key = w[i] == "all" ? std::string() : w[i];
    ++i;
  }
  if (i < w.size()) {
    if (w[i] != "force")
      throw usage_error("unexpected word '" + w[i] + "' (" + form + ")");
    r.force = true;
    ++i;
  }
  no_more(w, i, form);
  return r;
}

cluster::add_brick parse_add_brick(const words& w) {
  cluster::add_brick r;
  r.name = volume_name_at(w, add_brick_form);
  std::size_t i = 1;
  if (i < w.size() && w[i] == "replica") {
    r.replica_count = count_after(w, i);
    check_replica(r.replica_count);
    i += 2;
    if (i < w.size() && w[i] == "arbiter") {
      check_arbiter(r.replica_count, count_after(w, i));
      i += 2;
    }
  } else if (i < w.size() && w[i] == "arbiter") {
    throw usage_error("arbiter must follow replica: use replica 3 arbiter 1");
  }
  parse_bricks(w, i, true, "replica or ", r.bricks, &r.force);
  return r;
}

remove_brick_args parse_remove_brick(const words& w) {
  using op = cluster::remove_brick::op;
  remove_brick_args r;
  r.command.name = volume_name_at(w, remove_brick_form);
  std::size_t i = 1;
  if (i < w.size() && w[i] == "replica") {
    r.replica_count = count_after(w, i);
    if (r.replica_count == 0)
      throw usage_error("replica count should be greater than 0");
    r.command.replica_count = r.replica_count;
    i += 2;
  }
  std::size_t end = w.size();
  if (end <= i || looks_like_brick(w[end - 1]))
    throw usage_error("missing the action after the bricks: start, stop, "
                      "status, commit or force");
  const auto& action = w[end - 1];
  if (action == "start") {
    r.command.action = op::start;
  } else if (action == "stop") {
    r.command.action = op::stop;
  } else if (action == "status") {
    r.command.action = op::start;
    r.status = true;
  } else if (action == "commit") {
    r.command.action = op::commit;
  } else if (action == "force") {
    r.command.action = op::force;
    // why: "commit force" is how gluster's messages spell it; take it too.
    if (end - 1 > i && w[end - 2] == "commit")
      --end;
  } else {
    throw usage_error("unknown action '" + action
                      + "' (expected start, stop, status, commit or force)");
  }
  --end;
  words bricks(w.begin() + static_cast<std::ptrdiff_t>(i),
               w.begin() + static_cast<std::ptrdiff_t>(end));
  bool unused = false;
  parse_bricks(bricks, 0, false, "replica or ", r.command.bricks, &unused);
  return r;
}

cluster::replace_brick parse_replace_brick(const words& w) {
  cluster::replace_brick r;
  r.name = volume_name_at(w, replace_brick_form);
  if (w.size() < 3)
    throw usage_error(std::string("missing the old and the new brick (")
                      + replace_brick_form + ")");
  r.old_brick = brick_at(w, 1);
  r.new_brick = brick_at(w, 2);
  if (w.size() < 5 || w[3] != "commit" || w[4] != "force")
    throw usage_error(std::string("only 'commit force' is supported (")
                      + replace_brick_form + ")");
  no_more(w, 5, replace_brick_form);
  if (r.old_brick == r.new_brick)
    throw usage_error("the old and the new brick are the same: "
                      + r.old_brick.name());
  return r;
}

std::string parse_peer_probe(const words& w) {
  if (w.empty())
    throw usage_error("missing the host (HOST[:PORT])");
  no_more(w, 1, "HOST[:PORT]");
  try {
    client::parse_address(w[0]);
  } catch (const client::address_error& e) {
    throw usage_error(e.what());
  }
  return w[0];
}

cluster::peer_remove parse_peer_detach(const words& w) {
  const std::string form = "HOST [force]";
  cluster::peer_remove r;
  if (w.empty() || w[0].empty())
    throw usage_error("missing the host (" + form + ")");
  r.host = w[0];
  if (w.size() >= 2) {
    if (w[1] != "force")
      throw usage_error("unexpected word '" + w[1] + "' (" + form + ")");
    r.force = true;
  }
  no_more(w, 2, form);
  return r;
}

volfile_query parse_volfile(const words& w, const std::string& brick,
                            bool client) {
  const std::string form = "NAME [--brick HOST:/path | --client]";
  volfile_query q;
  q.volume = volume_name_at(w, form);
  no_more(w, 1, form);
  if (!brick.empty() && client)
    throw usage_error("--brick and --client exclude each other");
  if (!brick.empty()) {
    cluster::brick_spec b;
    if (auto e = cluster::parse_brick(brick, b); !e.empty())
      throw usage_error("--brick: " + e);
    q.brick = b.name();
  }
  q.client = brick.empty();
  return q;
}

const char* action_name(cluster::remove_brick::op action) {
  switch (action) {
    case cluster::remove_brick::op::start:
      return "start";
    case cluster::remove_brick::op::stop:
      return "stop";
    case cluster::remove_brick::op::commit:
      return "commit";
    case cluster::remove_brick::op::force:
      return "commit force";
  }
  return "start";
}

} // namespace gd::glcli
