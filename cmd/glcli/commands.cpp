#include "cmd/glcli/commands.hpp"

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cmath>
#include <csignal>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <istream>
#include <iterator>
#include <sstream>
#include <utility>

#include "cmd/client/address.hpp"
#include "cmd/glcli/command_support.hpp"
#include "cmd/glcli/txn_parse.hpp"

namespace gd::glcli {

namespace {

struct file_value {
  std::string value;
  /// Empty on success; else why the file could not be read, naming it.
  std::string error;
};

/// Reads a value to put from `path`, whole, bytes as they are. Refuses a
/// file larger than the value limit before reading it.
file_value read_value_file(const std::string& path) {
  file_value out;
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    out.error = "cannot open --from-file '" + path + "': "
                + std::strerror(errno);
    return out;
  }
  f.seekg(0, std::ios::end);
  auto size = f.tellg();
  auto limit = kv::limits{}.max_value_bytes;
  if (size > 0 && static_cast<std::size_t>(size) > limit) {
    out.error = "--from-file '" + path + "' holds "
                + std::to_string(static_cast<long long>(size))
                + " bytes; a value may have at most " + std::to_string(limit);
    return out;
  }
  f.seekg(0, std::ios::beg);
  out.value.assign(std::istreambuf_iterator<char>(f),
                   std::istreambuf_iterator<char>());
  if (f.bad())
    out.error = "cannot read --from-file '" + path + "': "
                + std::strerror(errno);
  return out;
}

std::string validated(const kv::write_request& r) {
  return kv::validate(r, kv::limits{});
}

void write_member(json_writer& w, const raft::member& m) {
  w.begin_object();
  w.field("name", m.name).field("address", m.address).field("id",
                                                            id_text(m.id));
  w.end_object();
}

void write_config(json_writer& w, const raft::configuration& c) {
  w.key("voters").begin_array();
  for (const auto& m : c.voters)
    write_member(w, m);
  w.end_array();
  w.key("learners").begin_array();
  for (const auto& m : c.learners)
    write_member(w, m);
  w.end_array();
}

void print_kv(std::ostream& out, const kv::key_value& kv, bool with_value) {
  out << kv.key << "\n";
  if (with_value)
    out << kv.value << "\n";
}

/// What all member reports together say about the ensemble.
struct ensemble_view {
  const client::monitor_status* leader = nullptr;
  leader_hint leader_hint_;
  raft::term_t term = 0;
  std::uint64_t cluster_id = 0;
  /// The most authoritative configuration seen (the leader's if it
  /// answered).
  const raft::configuration* config = nullptr;
  std::size_t reachable = 0;
};

ensemble_view view_of(const std::vector<client::member_report>& reports) {
  ensemble_view v;
  const client::monitor_status* newest = nullptr;
  for (const auto& r : reports) {
    if (!r.status)
      continue;
    const auto& st = *r.status;
    ++v.reachable;
    v.term = std::max(v.term, st.term);
    if (st.role == "leader"
        && (v.leader == nullptr || st.term > v.leader->term))
      v.leader = &st;
    if (newest == nullptr || st.term > newest->term
        || (st.term == newest->term && st.last_index > newest->last_index))
      newest = &st;
  }
  if (v.leader != nullptr) {
    v.leader_hint_ = {v.leader->id, v.leader->name, v.leader->address};
    v.config = &v.leader->config;
    v.cluster_id = v.leader->cluster_id;
  } else if (newest != nullptr) {
    v.config = &newest->config;
    v.cluster_id = newest->cluster_id;
    // The hint of the member with the highest term that knows a leader.
    raft::term_t best = 0;
    bool found = false;
    for (const auto& r : reports)
      if (r.status && r.status->leader.id != raft::no_member
          && (!found || r.status->term > best)) {
        v.leader_hint_ = r.status->leader;
        best = r.status->term;
        found = true;
      }
  }
  return v;
}

/// "voter", "learner" or "-" (not in the configuration we know).
std::string membership_of(const ensemble_view& v, raft::member_id id) {
  if (v.config == nullptr)
    return "-";
  if (v.config->is_voter(id))
    return "voter";
  if (v.config->is_learner(id))
    return "learner";
  return "-";
}

std::string pad(const std::string& s, std::size_t width) {
  std::string r = s;
  if (r.size() < width)
    r.append(width - r.size(), ' ');
  return r;
}

} // namespace

int usage(streams& s, const std::string& command, const std::string& what) {
  s.err << command << ": " << what << "\n";
  return exit_usage;
}

void json_failure(const global_options& g, streams& s, const std::string& code,
                  const std::string& message, bool nothing_changed) {
  if (!g.json)
    return;
  json_writer w;
  w.begin_object().key("error").begin_object();
  w.field("code", code).field("message", message);
  w.field("nothingChanged", nothing_changed);
  w.end_object().end_object();
  s.out << w.str() << "\n";
}

int failed(const global_options& g, streams& s, const std::string& command,
           const gd::status& st, bool write) {
  s.err << failure_line(command, st, write) << "\n";
  json_failure(g, s, to_string(st.code), st.message,
               !write || gd::nothing_changed(st.code));
  return exit_failed;
}

int transport_failed(const global_options& g, streams& s,
                     const std::string& command,
                     const client::client_error& e, bool write) {
  bool unchanged = !write || e.nothing_changed();
  s.err << command << ": failed: " << e.what() << " "
        << (unchanged ? nothing_changed_note : maybe_changed_note) << "\n";
  json_failure(g, s,
               e.which() == client::client_error::kind::unreachable
                 ? "unreachable"
                 : e.which() == client::client_error::kind::timeout
                     ? "timeout"
                     : "transport",
               e.what(), unchanged);
  return exit_failed;
}

bool confirmed(const global_options& g, streams& s,
               const std::string& question) {
  if (g.script)
    return true;
  auto& prompt = g.json ? s.err : s.out;
  prompt << question << " (y/n) ";
  prompt.flush();
  std::string answer;
  if (!std::getline(s.in, answer))
    return false;
  while (!answer.empty() && std::isspace(static_cast<unsigned char>(
                              answer.back())))
    answer.pop_back();
  std::size_t start = 0;
  while (start < answer.size()
         && std::isspace(static_cast<unsigned char>(answer[start])))
    ++start;
  answer.erase(0, start);
  for (auto& ch : answer)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return answer == "y" || answer == "yes";
}

int not_confirmed(const global_options& g, streams& s,
                  const std::string& command) {
  s.err << command << ": failed: not confirmed " << nothing_changed_note
        << "\n";
  json_failure(g, s, "not_confirmed", "not confirmed", true);
  return exit_failed;
}

std::string id_text(std::uint64_t id) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016" PRIx64, id);
  return buf;
}

client::connection_options connection_options_for(double seconds) {
  auto ms = static_cast<std::int64_t>(std::llround(seconds * 1000.0));
  ms = std::max<std::int64_t>(ms, 1);
  client::connection_options o;
  o.connect_timeout = std::chrono::milliseconds(ms);
  o.call_timeout = std::chrono::milliseconds(ms);
  o.server_timeout =
    std::chrono::milliseconds(ms - std::min<std::int64_t>(ms / 5, 1000));
  return o;
}

std::string failure_line(const std::string& command, const gd::status& st,
                         bool write) {
  std::string msg = st.message.empty() ? to_string(st.code) : st.message;
  if (st.code == status_code::not_leader && !st.leader.address.empty()
      && msg.find(st.leader.address) == std::string::npos) {
    msg += "; the leader is ";
    msg += st.leader.name.empty() ? st.leader.address
                                  : st.leader.name + " at "
                                      + st.leader.address;
  }
  bool unchanged = !write || gd::nothing_changed(st.code);
  return command + ": failed: " + msg + " "
         + (unchanged ? nothing_changed_note : maybe_changed_note);
}

void write_json(json_writer& w, const kv::key_value& kv, bool with_value) {
  w.begin_object();
  w.field("key", kv.key);
  if (with_value)
    w.field("value", kv.value);
  w.field("createRevision", kv.create_revision);
  w.field("modRevision", kv.mod_revision);
  w.field("version", kv.version);
  w.end_object();
}

void write_json(json_writer& w, const kv::range_result& r, bool with_values) {
  w.begin_object();
  w.field("revision", r.header_revision);
  w.key("kvs").begin_array();
  for (const auto& kv : r.kvs)
    write_json(w, kv, with_values);
  w.end_array();
  w.field("more", r.more);
  w.field("count", r.count);
  w.end_object();
}

void write_json(json_writer& w, const kv::put_result& r) {
  w.begin_object();
  w.field("revision", r.header_revision);
  if (r.prev_kv) {
    w.key("prevKv");
    write_json(w, *r.prev_kv, true);
  }
  w.end_object();
}

void write_json(json_writer& w, const kv::delete_result& r, bool prev_kvs) {
  w.begin_object();
  w.field("revision", r.header_revision);
  w.field("deleted", r.deleted);
  if (prev_kvs) {
    w.key("prevKvs").begin_array();
    for (const auto& kv : r.prev_kvs)
      write_json(w, kv, true);
    w.end_array();
  }
  w.end_object();
}

void write_json(json_writer& w, const kv::txn_result& r) {
  w.begin_object();
  w.field("revision", r.header_revision);
  w.field("succeeded", r.succeeded);
  w.key("responses").begin_array();
  for (const auto& op : r.responses) {
    w.begin_object();
    if (auto* range = std::get_if<kv::range_result>(&op)) {
      w.key("range");
      write_json(w, *range, true);
    } else if (auto* put = std::get_if<kv::put_result>(&op)) {
      w.key("put");
      write_json(w, *put);
    } else if (auto* del = std::get_if<kv::delete_result>(&op)) {
      w.key("delete");
      write_json(w, *del, !del->prev_kvs.empty());
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void write_json(json_writer& w, const kv::event& e) {
  w.begin_object();
  w.field("type", e.type == kv::event::kind::put ? "PUT" : "DELETE");
  w.field("key", e.kv.key);
  w.field("value", e.kv.value);
  w.field("createRevision", e.kv.create_revision);
  w.field("modRevision", e.kv.mod_revision);
  w.field("version", e.kv.version);
  w.end_object();
}

std::string range_text(const kv::range_result& r, bool keys_only,
                       bool count_only) {
  std::ostringstream out;
  if (count_only) {
    out << r.count << "\n";
    return out.str();
  }
  for (const auto& kv : r.kvs)
    print_kv(out, kv, !keys_only);
  return out.str();
}

std::string txn_text(const kv::txn_result& r) {
  std::ostringstream out;
  out << (r.succeeded ? "SUCCESS" : "FAILURE") << "\n";
  for (const auto& op : r.responses) {
    out << "\n";
    if (auto* range = std::get_if<kv::range_result>(&op)) {
      out << range_text(*range, false, false);
    } else if (auto* put = std::get_if<kv::put_result>(&op)) {
      out << "OK\n";
      if (put->prev_kv)
        print_kv(out, *put->prev_kv, true);
    } else if (auto* del = std::get_if<kv::delete_result>(&op)) {
      out << del->deleted << "\n";
      for (const auto& kv : del->prev_kvs)
        print_kv(out, kv, true);
    }
  }
  return out.str();
}

std::string
cluster_status_text(const std::vector<client::member_report>& reports) {
  auto v = view_of(reports);
  std::ostringstream out;
  out << "Cluster ID: "
      << (v.reachable > 0 ? id_text(v.cluster_id) : std::string("unknown"))
      << "\n";
  if (v.leader != nullptr)
    out << "Leader: " << v.leader->name << " at " << v.leader->address
        << ", term " << v.leader->term << "\n";
  else if (v.leader_hint_.id != raft::no_member)
    out << "Leader: " << v.leader_hint_.name << " at "
        << v.leader_hint_.address << " (did not answer), term " << v.term
        << "\n";
  else
    out << "Leader: none known, term " << v.term << "\n";
  out << "\n";
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"NAME", "ADDRESS", "TYPE", "ROLE", "TERM", "COMMIT",
                  "APPLIED", "LAST", "REVISION"});
  for (const auto& r : reports) {
    std::vector<std::string> row{r.member.name, r.member.address,
                                 membership_of(v, r.member.id)};
    if (r.status) {
      const auto& st = *r.status;
      row.insert(row.end(), {st.role, std::to_string(st.term),
                             std::to_string(st.commit_index),
                             std::to_string(st.applied_index),
                             std::to_string(st.last_index),
                             std::to_string(st.revision)});
    } else {
      row.push_back("unreachable: " + r.unreachable);
    }
    rows.push_back(std::move(row));
  }
  std::vector<std::size_t> width(9, 0);
  for (const auto& row : rows)
    if (row.size() == 9) // an unreachable row's last cell spans columns
      for (std::size_t i = 0; i < row.size(); ++i)
        width[i] = std::max(width[i], row[i].size());
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < 3; ++i)
      width[i] = std::max(width[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i)
      line += i + 1 == row.size() ? row[i] : pad(row[i], width[i] + 2);
    out << line << "\n";
  }
  return out.str();
}

std::string
cluster_status_json(const std::vector<client::member_report>& reports) {
  auto v = view_of(reports);
  json_writer w;
  w.begin_object();
  w.field("clusterId", id_text(v.cluster_id));
  w.key("leader");
  if (v.leader_hint_.id == raft::no_member) {
    w.null();
  } else {
    w.begin_object();
    w.field("name", v.leader_hint_.name);
    w.field("address", v.leader_hint_.address);
    w.field("id", id_text(v.leader_hint_.id));
    w.end_object();
  }
  w.field("term", v.term);
  w.key("members").begin_array();
  for (const auto& r : reports) {
    w.begin_object();
    w.field("name", r.member.name);
    w.field("address", r.member.address);
    w.field("id", id_text(r.member.id));
    w.field("voter", v.config != nullptr && v.config->is_voter(r.member.id));
    w.field("reachable", r.status.has_value());
    if (r.status) {
      const auto& st = *r.status;
      w.field("role", st.role);
      w.field("term", st.term);
      w.field("commitIndex", st.commit_index);
      w.field("appliedIndex", st.applied_index);
      w.field("lastIndex", st.last_index);
      w.field("snapshotIndex", st.snapshot_index);
      w.field("revision", st.revision);
    } else {
      w.field("error", r.unreachable);
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.str();
}

int kv_put(const global_options& g, const kv_put_args& a, streams& s) {
  const std::string cmd = "kv put";
  std::string value;
  if (a.value && !a.from_file.empty())
    return usage(s, cmd, "give VALUE or --from-file, not both");
  if (!a.value && a.from_file.empty())
    return usage(s, cmd, "VALUE is required (or - to read it from standard "
                         "input, or --from-file PATH)");
  if (!a.from_file.empty()) {
    auto read = read_value_file(a.from_file);
    if (!read.error.empty())
      return usage(s, cmd, read.error);
    value = std::move(read.value);
  } else if (*a.value == "-") {
    value.assign(std::istreambuf_iterator<char>(s.in),
                 std::istreambuf_iterator<char>());
    if (s.in.bad())
      return usage(s, cmd, "cannot read the value from standard input");
  } else {
    value = *a.value;
  }
  kv::put_request req{a.key, std::move(value), a.prev_kv};
  if (auto e = validated(req); !e.empty())
    return usage(s, cmd, e);
  return with_connection(g, s, cmd, true, [&](client::connection& c) {
    auto r = c.put(req);
    if (!r.ok())
      return failed(g, s, cmd, r.st, true);
    if (g.json) {
      json_writer w;
      write_json(w, r.value);
      s.out << w.str() << "\n";
    } else {
      s.out << "OK\n";
      if (r.value.prev_kv)
        print_kv(s.out, *r.value.prev_kv, true);
    }
    return int{exit_ok};
  });
}

int kv_get(const global_options& g, const kv_get_args& a, streams& s) {
  const std::string cmd = "kv get";
  if (a.prefix && a.from_key)
    return usage(s, cmd, "--prefix and --from-key exclude each other");
  if (a.limit < 0)
    return usage(s, cmd, "--limit must be 0 (no limit) or more");
  kv::range_request req;
  req.range = key_range_of(a.key, a.prefix, a.from_key);
  req.limit = a.limit;
  req.keys_only = a.keys_only;
  req.count_only = a.count_only;
  if (auto e = kv::validate(req, kv::limits{}); !e.empty())
    return usage(s, cmd, e);
  return with_connection(g, s, cmd, false, [&](client::connection& c) {
    auto r = c.range(req, a.serializable);
    if (!r.ok())
      return failed(g, s, cmd, r.st, false);
    if (g.json) {
      json_writer w;
      write_json(w, r.value, !a.keys_only);
      s.out << w.str() << "\n";
    } else {
      s.out << range_text(r.value, a.keys_only, a.count_only);
    }
    return int{exit_ok};
  });
}

int kv_del(const global_options& g, const kv_del_args& a, streams& s) {
  const std::string cmd = "kv del";
  if (a.prefix && a.from_key)
    return usage(s, cmd, "--prefix and --from-key exclude each other");
  kv::delete_request req;
  req.range = key_range_of(a.key, a.prefix, a.from_key);
  req.prev_kv = a.prev_kv;
  if (auto e = validated(req); !e.empty())
    return usage(s, cmd, e);
  return with_connection(g, s, cmd, true, [&](client::connection& c) {
    auto r = c.del(req);
    if (!r.ok())
      return failed(g, s, cmd, r.st, true);
    if (g.json) {
      json_writer w;
      write_json(w, r.value, a.prev_kv);
      s.out << w.str() << "\n";
    } else {
      s.out << r.value.deleted << "\n";
      for (const auto& kv : r.value.prev_kvs)
        print_kv(s.out, kv, true);
    }
    return int{exit_ok};
  });
}

int kv_txn(const global_options& g, const kv_txn_args& a, streams& s) {
  const std::string cmd = "kv txn";
  kv::txn_request req;
  try {
    if (a.compares.empty() && a.thens.empty() && a.elses.empty()) {
      std::string text{std::istreambuf_iterator<char>(s.in),
                       std::istreambuf_iterator<char>()};
      req = parse_txn(text);
    } else {
      req = parse_txn_flags(a.compares, a.thens, a.elses);
    }
  } catch (const syntax_error& e) {
    return usage(s, cmd, e.what());
  }
  if (auto e = validated(req); !e.empty())
    return usage(s, cmd, e);
  return with_connection(g, s, cmd, true, [&](client::connection& c) {
    auto r = c.txn(req);
    if (!r.ok())
      return failed(g, s, cmd, r.st, true);
    if (g.json) {
      json_writer w;
      write_json(w, r.value);
      s.out << w.str() << "\n";
    } else {
      s.out << txn_text(r.value);
    }
    return int{exit_ok};
  });
}

int kv_watch(const global_options& g, const kv_watch_args& a, streams& s) {
  const std::string cmd = "kv watch";
  if (a.prefix && a.from_key)
    return usage(s, cmd, "--prefix and --from-key exclude each other");
  if (a.rev < 0)
    return usage(s, cmd, "--rev must be 0 (only new events) or more");
  kv::range_request check;
  check.range = key_range_of(a.key, a.prefix, a.from_key);
  if (auto e = kv::validate(check, kv::limits{}); !e.empty())
    return usage(s, cmd, e);
  client::watch_options wo;
  if (g.handle_interrupt) {
    client::capture_signal(SIGINT);
    wo.stop_signal = SIGINT;
  }
  return with_connection(g, s, cmd, false, [&](client::connection& c) {
    auto on_events = [&](const std::vector<kv::event>& evs, kv::revision) {
      for (const auto& e : evs) {
        if (g.json) {
          json_writer w;
          write_json(w, e);
          s.out << w.str() << "\n";
        } else {
          s.out << (e.type == kv::event::kind::put ? "PUT" : "DELETE")
                << "\n"
                << e.kv.key << "\n"
                << e.kv.value << "\n";
        }
      }
      s.out.flush();
      return static_cast<bool>(s.out);
    };
    auto r = c.watch(check.range, a.rev, on_events, wo);
    if (!r.ok())
      return failed(g, s, cmd, r.st, false);
    return int{exit_ok};
  });
}

int kv_compact(const global_options& g, kv::revision rev, streams& s) {
  const std::string cmd = "kv compact";
  if (auto e = validated(kv::compact_request{rev}); !e.empty())
    return usage(s, cmd, e);
  return with_connection(g, s, cmd, true, [&](client::connection& c) {
    auto r = c.compact(rev);
    if (!r.ok())
      return failed(g, s, cmd, r.st, true);
    if (g.json) {
      json_writer w;
      w.begin_object().field("revision", r.value.header_revision);
      w.field("compacted", rev).end_object();
      s.out << w.str() << "\n";
    } else {
      s.out << "compacted revision " << rev << "\n";
    }
    return int{exit_ok};
  });
}

int monitor_status(const global_options& g, streams& s) {
  const std::string cmd = "monitor status";
  return with_connection(g, s, cmd, false, [&](client::connection& c) {
    auto r = c.cluster_status();
    if (!r.ok())
      return failed(g, s, cmd, r.st, false);
    const auto& reports = r.value;
    if (reports.empty()) {
      gd::status st = gd::status::error(
        status_code::not_found,
        "the daemon at " + c.target().to_string()
          + " knows no monitors (is it part of a cluster?)");
      return failed(g, s, cmd, st, false);
    }
    if (g.json)
      s.out << cluster_status_json(reports) << "\n";
    else
      s.out << cluster_status_text(reports);
    bool any = std::any_of(reports.begin(), reports.end(),
                           [](const auto& m) { return m.status.has_value(); });
    if (!any) {
      s.err << cmd << ": failed: no monitor answered "
            << nothing_changed_note << "\n";
      return int{exit_failed};
    }
    return int{exit_ok};
  });
}

namespace {

/// Prints the --json form of a committed membership change.
void print_change_json(streams& s, const client::change_done& d) {
  json_writer w;
  w.begin_object().field("index", d.index);
  write_config(w, d.config);
  w.end_object();
  s.out << w.str() << "\n";
}

bool plain_name(const std::string& name) {
  if (name.empty() || name.size() > 255)
    return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
      return false;
  return true;
}

constexpr const char* name_rule =
  "is not a valid monitor name (1 to 255 of A-Z a-z 0-9 . - _)";

} // namespace

int monitor_add(const global_options& g, const std::string& name,
                const std::string& address, streams& s) {
  const std::string cmd = "monitor add";
  if (!plain_name(name))
    return usage(s, cmd, "'" + name + "' " + name_rule);
  client::address where;
  try {
    where = client::parse_address(address);
  } catch (const client::address_error& e) {
    return usage(s, cmd, e.what());
  }
  raft::member m{raft::member_id_of(name), name, where.to_string()};
  return with_connection(g, s, cmd, true, [&](client::connection& c) {
    auto r = c.add_member(m);
    if (!r.ok())
      return failed(g, s, cmd, r.st, true);
    if (g.json)
      print_change_json(s, r.value);
    else
      s.out << cmd << ": success: " << name
            << " joins as a learner and becomes a voter once it has caught "
               "up\n";
    return int{exit_ok};
  });
}

int monitor_remove(const global_options& g, const std::string& name,
                   streams& s) {
  const std::string cmd = "monitor remove";
  if (!plain_name(name))
    return usage(s, cmd, "'" + name + "' " + name_rule);
  return with_connection(g, s, cmd, true, [&](client::connection& c) {
    auto r = c.remove_member(name);
    if (!r.ok())
      return failed(g, s, cmd, r.st, true);
    if (g.json)
      print_change_json(s, r.value);
    else
      s.out << cmd << ": success: " << name << " is no longer a monitor\n";
    return int{exit_ok};
  });
}

int monitor_transfer_leader(const global_options& g, const std::string& name,
                            streams& s) {
  const std::string cmd = "monitor transfer-leader";
  if (!plain_name(name))
    return usage(s, cmd, "'" + name + "' " + name_rule);
  return with_connection(g, s, cmd, true, [&](client::connection& c) {
    auto r = c.transfer_leader(name);
    if (!r.ok())
      return failed(g, s, cmd, r.st, true);
    if (g.json) {
      json_writer w;
      w.begin_object().key("leader").begin_object();
      w.field("name", r.value.name).field("address", r.value.address);
      w.field("id", id_text(r.value.id));
      w.end_object().end_object();
      s.out << w.str() << "\n";
    } else {
      s.out << cmd << ": success: " << r.value.name << " at "
            << r.value.address << " is the leader now\n";
    }
    return int{exit_ok};
  });
}

} // namespace gd::glcli
