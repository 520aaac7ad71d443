// The volume commands (see cluster_commands.hpp): changes go through
// Cluster.change, reads through Cluster.volumes/volumeNames/volumeOptions/
// volfile; the output is volume_output.hpp's.

#include "cmd/glcli/cluster_commands.hpp"

#include <map>
#include <ostream>

#include "cmd/glcli/cluster_parse.hpp"
#include "cmd/glcli/command_support.hpp"
#include "cmd/glcli/json.hpp"
#include "cmd/glcli/volume_output.hpp"

namespace gd::glcli {

namespace {

constexpr const char* stop_question =
  "Stopping volume will make its data inaccessible. Do you want to "
  "continue?";
constexpr const char* replica_2_question =
  "Replica 2 volumes are prone to split-brain. Use Arbiter or Replica 3 to "
  "avoid this. Do you still want to continue?";
constexpr const char* remove_brick_commit_question =
  "Removing brick(s) can result in data loss. Do you want to Continue?";
constexpr const char* remove_brick_force_question =
  "Remove-brick force will not migrate files from the removed bricks, so "
  "they will no longer be available on the volume. Do you want to "
  "continue?";
constexpr const char* delete_question =
  "Deleting volume will erase all information about the volume. Do you "
  "want to continue?";

/// Parses `w` with `parse`, or prints the usage error of `cmd`. Returns
/// false after a usage error.
template <class T, class Parse>
bool parsed(const command_words& w, Parse parse, T& out, streams& s,
            const std::string& cmd, int& code) {
  try {
    out = parse(w);
    return true;
  } catch (const usage_error& e) {
    code = usage(s, cmd, e.what());
    return false;
  }
}

/// The daemon's note for the success line, on a line of its own.
void print_note(streams& s, const cluster::change_done& d) {
  if (!d.message.empty())
    s.out << d.message << "\n";
}

/// Proposes `c` for `cmd` ("volume start: v1") and prints the result:
/// change_json with --json, else `human(done)`.
template <class Human>
int run_change(const global_options& g, streams& s, const std::string& cmd,
               const cluster::command& c, const std::string& volume,
               Human human) {
  return with_connection(g, s, cmd, true, [&](client::connection& conn) {
    auto r = conn.cluster_change(c);
    if (!r.ok())
      return failed(g, s, cmd, r.st, true);
    if (g.json) {
      std::string task;
      if (auto* rb = std::get_if<cluster::remove_brick>(&c);
          rb != nullptr && rb->action == cluster::remove_brick::op::start
          && r.value.volume)
        task = r.value.volume->volume.remove_brick_task;
      s.out << change_json("volName", volume, r.value, task) << "\n";
    } else {
      human(r.value);
    }
    return int{exit_ok};
  });
}

/// "volume X: NAME: success" plus the daemon's note.
int simple_change(const global_options& g, streams& s, const std::string& cmd,
                  const cluster::command& c, const std::string& volume) {
  return run_change(g, s, cmd, c, volume, [&](const cluster::change_done& d) {
    s.out << cmd << ": success\n";
    print_note(s, d);
  });
}

/// Reads volume `name` ("" = all) for `cmd`; a named volume that is not
/// there is a failure. Calls print(volumes) on success.
template <class Print>
int read_volumes(const global_options& g, streams& s, const std::string& cmd,
                 const std::string& name, Print print) {
  return with_connection(g, s, cmd, false, [&](client::connection& c) {
    auto r = c.volumes(name);
    if (!r.ok())
      return failed(g, s, cmd, r.st, false);
    if (!name.empty() && r.value.empty())
      return failed(g, s, cmd,
                    gd::status::error(status_code::not_found,
                                      "Volume " + name + " does not exist"),
                    false);
    return print(r.value);
  });
}

} // namespace

int volume_create(const global_options& g, const command_words& w,
                  streams& s) {
  int code = exit_usage;
  cluster::volume_create c;
  if (!parsed(w, parse_volume_create, c, s, "volume create", code))
    return code;
  const std::string cmd = "volume create: " + c.name;
  if (c.replica_count == 2 && c.arbiter_count == 0
      && !confirmed(g, s, replica_2_question))
    return not_confirmed(g, s, cmd);
  return run_change(g, s, cmd, c, c.name, [&](const cluster::change_done& d) {
    s.out << cmd << ": success: please start the volume to access data\n";
    print_note(s, d);
  });
}

int volume_start(const global_options& g, const command_words& w,
                 streams& s) {
  int code = exit_usage;
  name_force a;
  if (!parsed(w, parse_name_force, a, s, "volume start", code))
    return code;
  return simple_change(g, s, "volume start: " + a.name,
                       cluster::volume_start{a.name, a.force}, a.name);
}

int volume_stop(const global_options& g, const command_words& w, streams& s) {
  int code = exit_usage;
  name_force a;
  if (!parsed(w, parse_name_force, a, s, "volume stop", code))
    return code;
  const std::string cmd = "volume stop: " + a.name;
  if (!confirmed(g, s, stop_question))
    return not_confirmed(g, s, cmd);
  return simple_change(g, s, cmd, cluster::volume_stop{a.name, a.force},
                       a.name);
}

int volume_delete(const global_options& g, const command_words& w,
                  streams& s) {
  int code = exit_usage;
  std::string name;
  if (!parsed(w, parse_volume_name, name, s, "volume delete", code))
    return code;
  const std::string cmd = "volume delete: " + name;
  if (!confirmed(g, s, delete_question))
    return not_confirmed(g, s, cmd);
  return simple_change(g, s, cmd, cluster::volume_delete{name}, name);
}

int volume_info(const global_options& g, const command_words& w, streams& s) {
  const std::string cmd = "volume info";
  int code = exit_usage;
  std::string name;
  if (!parsed(w, parse_volume_selector, name, s, cmd, code))
    return code;
  return read_volumes(g, s, cmd, name, [&](const auto& vols) {
    if (g.json)
      s.out << volume_info_json(vols) << "\n";
    else
      s.out << volume_info_text(vols);
    return int{exit_ok};
  });
}

int volume_list(const global_options& g, const command_words& w, streams& s) {
  const std::string cmd = "volume list";
  try {
    parse_nothing(w);
  } catch (const usage_error& e) {
    return usage(s, cmd, e.what());
  }
  return with_connection(g, s, cmd, false, [&](client::connection& c) {
    auto r = c.volume_names();
    if (!r.ok())
      return failed(g, s, cmd, r.st, false);
    if (g.json)
      s.out << volume_list_json(r.value) << "\n";
    else
      s.out << volume_list_text(r.value);
    return int{exit_ok};
  });
}

int volume_status(const global_options& g, const command_words& w,
                  streams& s) {
  const std::string cmd = "volume status";
  int code = exit_usage;
  std::string name;
  if (!parsed(w, parse_volume_selector, name, s, cmd, code))
    return code;
  return read_volumes(g, s, cmd, name, [&](const auto& vols) {
    // As gluster: a named volume must be started (exit 1 otherwise).
    if (!name.empty() && name != "all"
        && vols.front().volume.status != cluster::volume_status::started)
      return failed(g, s, cmd,
                    gd::status::error(status_code::invalid,
                                      "Volume " + name + " is not started"),
                    false);
    if (g.json)
      s.out << volume_status_json(vols) << "\n";
    else
      s.out << volume_status_text(vols);
    return int{exit_ok};
  });
}

int volume_set(const global_options& g, const command_words& w, streams& s) {
  const std::string cmd = "volume set";
  int code = exit_usage;
  cluster::volume_set c;
  if (!parsed(w, parse_volume_set, c, s, cmd, code))
    return code;
  return simple_change(g, s, cmd, c, c.name);
}

int volume_get(const global_options& g, const command_words& w, streams& s) {
  const std::string cmd = "volume get";
  int code = exit_usage;
  option_query q;
  if (!parsed(w, parse_volume_get, q, s, cmd, code))
    return code;
  return with_connection(g, s, cmd, false, [&](client::connection& c) {
    auto r = c.volume_options(q.name, q.key);
    if (!r.ok())
      return failed(g, s, cmd, r.st, false);
    if (g.json)
      s.out << volume_options_json(q.name, r.value) << "\n";
    else
      s.out << volume_options_text(r.value);
    return int{exit_ok};
  });
}

int volume_reset(const global_options& g, const command_words& w,
                 streams& s) {
  const std::string cmd = "volume reset";
  int code = exit_usage;
  cluster::volume_reset c;
  if (!parsed(w, parse_volume_reset, c, s, cmd, code))
    return code;
  return run_change(g, s, cmd, c, c.name, [&](const cluster::change_done& d) {
    s.out << cmd << ": success: "
          << (d.message.empty() ? "reset volume successful" : d.message)
          << "\n";
  });
}

int volume_add_brick(const global_options& g, const command_words& w,
                     streams& s) {
  const std::string cmd = "volume add-brick";
  int code = exit_usage;
  cluster::add_brick c;
  if (!parsed(w, parse_add_brick, c, s, cmd, code))
    return code;
  return simple_change(g, s, cmd, c, c.name);
}

namespace {

/// `volume remove-brick ... status`: a read of the volume's task.
int remove_brick_status(const global_options& g, streams& s,
                        const cluster::remove_brick& rb) {
  const std::string cmd = "volume remove-brick status";
  return read_volumes(g, s, cmd, rb.name, [&](const auto& vols) {
    const auto& info = vols.front();
    const auto& v = info.volume;
    if (v.remove_brick_task.empty())
      return failed(g, s, cmd,
                    gd::status::error(status_code::not_found,
                                      "remove-brick not started for volume "
                                        + v.name),
                    false);
    for (const auto& want : rb.bricks) {
      bool removing = false;
      for (const auto& b : v.bricks)
        if (b.host == want.host && b.path == want.path && b.decommissioned)
          removing = true;
      if (!removing)
        return failed(g, s, cmd,
                      gd::status::error(status_code::invalid,
                                        "brick " + want.name()
                                          + " is not being removed from "
                                            "volume "
                                          + v.name),
                      false);
    }
    if (g.json)
      s.out << remove_brick_status_json(info) << "\n";
    else
      s.out << remove_brick_status_text(info);
    return int{exit_ok};
  });
}

} // namespace

int volume_remove_brick(const global_options& g, const command_words& w,
                        streams& s) {
  int code = exit_usage;
  remove_brick_args a;
  if (!parsed(w, parse_remove_brick, a, s, "volume remove-brick", code))
    return code;
  if (a.status)
    return remove_brick_status(g, s, a.command);
  using op = cluster::remove_brick::op;
  const auto action = a.command.action;
  const std::string cmd =
    std::string("volume remove-brick ") + action_name(action);
  if ((action == op::commit && !confirmed(g, s, remove_brick_commit_question))
      || (action == op::force && !confirmed(g, s, remove_brick_force_question)))
    return not_confirmed(g, s, cmd);
  return run_change(g, s, cmd, a.command, a.command.name,
                    [&](const cluster::change_done& d) {
    s.out << cmd << ": success\n";
    if (action == op::start && d.volume
        && !d.volume->volume.remove_brick_task.empty())
      s.out << "ID: " << d.volume->volume.remove_brick_task << "\n";
    if (action == op::commit)
      s.out << "Check the removed bricks to ensure all files are migrated.\n"
               "If files with data are found on the brick path, copy them "
               "via a gluster mount point before re-purposing the removed "
               "brick.\n";
    // why: the daemon's note says what the lines above say.
    (void)d;
  });
}

int volume_replace_brick(const global_options& g, const command_words& w,
                         streams& s) {
  const std::string cmd = "volume replace-brick";
  int code = exit_usage;
  cluster::replace_brick c;
  if (!parsed(w, parse_replace_brick, c, s, cmd, code))
    return code;
  return run_change(g, s, cmd, c, c.name, [&](const cluster::change_done& d) {
    s.out << cmd
          << ": success: replace-brick commit force operation successful\n";
    (void)d; // the daemon's note says the same
  });
}

int volume_volfile(const global_options& g, const volfile_args& a,
                   streams& s) {
  const std::string cmd = "volume volfile";
  volfile_query q;
  try {
    q = parse_volfile(a.words, a.brick, a.client);
  } catch (const usage_error& e) {
    return usage(s, cmd, e.what());
  }
  return with_connection(g, s, cmd, false, [&](client::connection& c) {
    auto r = c.volfile(q.volume, q.brick, q.client);
    if (!r.ok())
      return failed(g, s, cmd, r.st, false);
    if (g.json) {
      s.out << volfile_json(r.value) << "\n";
    } else {
      s.out << r.value.text;
      if (!r.value.text.empty() && r.value.text.back() != '\n')
        s.out << "\n";
    }
    return int{exit_ok};
  });
}

namespace {

/// `volume heal NAME info`: the volume's name.
std::string parse_heal(const command_words& w) {
  if (w.empty() || w[0].empty())
    throw usage_error("missing the volume name (NAME info)");
  if (w.size() < 2)
    throw usage_error("triggering a heal pass (volume heal " + w[0]
                      + ") is not supported yet: the self-heal role's holder "
                        "drives healing; use 'volume heal " + w[0] + " info'");
  if (w[1] != "info")
    throw usage_error("unknown heal command '" + w[1] + "' (only: info)");
  if (w.size() > 2)
    throw usage_error("unexpected word '" + w[2] + "' after info");
  return w[0];
}

} // namespace

int volume_heal(const global_options& g, const command_words& w, streams& s) {
  const std::string cmd = "volume heal";
  int code = exit_usage;
  std::string name;
  if (!parsed(w, parse_heal, name, s, cmd, code))
    return code;
  // The volume and where its servers are, from the daemon asked...
  cluster::volume v;
  std::map<std::string, std::string> address_of;
  code = with_connection(g, s, cmd, false, [&](client::connection& c) {
    auto r = c.volumes(name);
    if (!r.ok())
      return failed(g, s, cmd, r.st, false);
    if (r.value.empty())
      return failed(g, s, cmd,
                    gd::status::error(status_code::not_found,
                                      "Volume " + name + " does not exist"),
                    false);
    v = r.value.front().volume;
    if (v.status != cluster::volume_status::started)
      return failed(g, s, cmd,
                    gd::status::error(status_code::invalid,
                                      "Volume " + name + " is not started."),
                    false);
    if (v.replica_count < 2 && v.disperse_count == 0)
      return failed(g, s, cmd,
                    gd::status::error(status_code::invalid,
                                      "Volume " + name
                                        + " is not of type replicate or "
                                          "disperse"),
                    false);
    auto peers = c.peers();
    if (!peers.ok())
      return failed(g, s, cmd, peers.st, false);
    for (const auto& p : peers.value)
      if (!p.peer.addresses.empty())
        address_of[p.peer.uuid] = p.peer.addresses.front();
    return int{exit_ok};
  });
  if (code != exit_ok)
    return code;
  // ... then each brick's server, once, one connection at a time (a
  // connection owns this thread's event loop).
  std::map<std::string, std::vector<std::string>> paths;
  for (const auto& b : v.bricks)
    paths[b.peer_uuid].push_back(b.path);
  std::map<std::pair<std::string, std::string>, client::brick_heal> got;
  const std::string unreachable = "Transport endpoint is not connected";
  for (const auto& [uuid, list] : paths) {
    std::vector<client::brick_heal> answer;
    auto it = address_of.find(uuid);
    if (it != address_of.end()) {
      try {
        client::connection server(client::parse_address(it->second),
                                  connection_options_for(g.timeout_seconds));
        answer = server.heal_info(list);
      } catch (const std::exception&) {
        answer.clear(); // unreachable, below
      }
    }
    for (std::size_t i = 0; i < list.size(); ++i)
      got[{uuid, list[i]}] = i < answer.size()
                               ? answer[i]
                               : client::brick_heal{{}, unreachable};
  }
  if (g.json) {
    json_writer j;
    j.begin_object().field("volName", name).key("bricks").begin_array();
    for (const auto& b : v.bricks) {
      const auto& h = got[{b.peer_uuid, b.path}];
      j.begin_object().field("name", b.name());
      j.field("status", h.error.empty() ? std::string("Connected") : h.error);
      if (h.error.empty())
        j.field("numberOfEntries", static_cast<std::uint64_t>(h.entries.size()));
      else
        j.key("numberOfEntries").null();
      j.key("file").begin_array();
      for (const auto& e : h.entries)
        j.value(e);
      j.end_array().end_object();
    }
    j.end_array().end_object();
    s.out << j.str() << "\n";
    return int{exit_ok};
  }
  for (const auto& b : v.bricks) {
    const auto& h = got[{b.peer_uuid, b.path}];
    s.out << "Brick " << b.name() << "\n";
    for (const auto& e : h.entries)
      s.out << e << "\n";
    s.out << "Status: " << (h.error.empty() ? "Connected" : h.error) << "\n";
    s.out << "Number of entries: "
          << (h.error.empty() ? std::to_string(h.entries.size()) : "-")
          << "\n\n";
  }
  return int{exit_ok};
}

} // namespace gd::glcli
