#include "cmd/glcli/volume_output.hpp"

#include <algorithm>
#include <cstdint>
#include <sstream>

namespace gd::glcli {

namespace {

std::string pad(const std::string& s, std::size_t width) {
  std::string r = s;
  if (r.size() < width)
    r.append(width - r.size(), ' ');
  return r;
}

std::uint64_t u64(std::uint32_t x) {
  return x;
}

constexpr const char* dashes =
  "------------------------------------------------------------------------"
  "------";

/// Widths of gluster's `volume status` columns.
constexpr std::size_t process_width = 44;
constexpr std::size_t port_width = 10;
constexpr std::size_t rdma_width = 11;
constexpr std::size_t online_width = 8;

std::string number_or_na(std::uint32_t x) {
  return x == 0 ? std::string("N/A") : std::to_string(x);
}

/// One row of the status table; a process name too long for its column
/// gets a line of its own.
void status_row(std::ostream& out, const std::string& process,
                const std::string& port, const std::string& rdma,
                const std::string& online, const std::string& pid) {
  if (process.size() >= process_width)
    out << process << "\n" << std::string(process_width, ' ');
  else
    out << pad(process, process_width);
  out << pad(port, port_width) << pad(rdma, rdma_width)
      << pad(online, online_width) << pid << "\n";
}

cluster::brick_state observed_of(const cluster::volume_info& v,
                                 std::size_t i) {
  return i < v.observed.size() ? v.observed[i] : cluster::brick_state{};
}

std::vector<const cluster::brick*> removed_bricks(const cluster::volume& v) {
  std::vector<const cluster::brick*> out;
  for (const auto& b : v.bricks)
    if (b.decommissioned)
      out.push_back(&b);
  return out;
}

void task_status(std::ostream& out, const cluster::volume& v) {
  out << "Task Status of Volume " << v.name << "\n" << dashes << "\n";
  if (v.remove_brick_task.empty()) {
    out << "There are no active volume tasks\n";
    return;
  }
  out << "Task                 : Remove brick\n"
      << "ID                   : " << v.remove_brick_task << "\n"
      << "Removed bricks:\n";
  for (const auto* b : removed_bricks(v))
    out << b->name() << "\n";
  out << "Status               : in progress\n";
}

void write_task_json(json_writer& w, const cluster::volume& v) {
  w.begin_object();
  w.field("type", "Remove brick");
  w.field("id", v.remove_brick_task);
  w.key("bricks").begin_array();
  for (const auto* b : removed_bricks(v))
    w.value(b->name());
  w.end_array();
  w.field("statusStr", "in progress");
  w.end_object();
}

void number_or_null(json_writer& w, const char* key, std::uint32_t x) {
  w.key(key);
  if (x == 0)
    w.null();
  else
    w.value(u64(x));
}

} // namespace

std::string brick_count_text(const cluster::volume& v) {
  auto n = v.bricks.size();
  auto total = std::to_string(n);
  auto subvols = std::to_string(v.subvolume_count());
  switch (v.type) {
    case cluster::volume_type::distribute:
      return total;
    case cluster::volume_type::disperse:
    case cluster::volume_type::distributed_disperse:
      return subvols + " x ("
             + std::to_string(v.disperse_count - v.redundancy_count) + " + "
             + std::to_string(v.redundancy_count) + ") = " + total;
    case cluster::volume_type::replicate:
    case cluster::volume_type::distributed_replicate:
      if (v.arbiter_count > 0)
        return subvols + " x ("
               + std::to_string(v.replica_count - v.arbiter_count) + " + "
               + std::to_string(v.arbiter_count) + ") = " + total;
      return subvols + " x " + std::to_string(v.replica_count) + " = "
             + total;
  }
  return total;
}

int gluster_type_code(cluster::volume_type t) {
  switch (t) {
    case cluster::volume_type::distribute:
      return 0;
    case cluster::volume_type::replicate:
    case cluster::volume_type::distributed_replicate:
      return 2;
    case cluster::volume_type::disperse:
    case cluster::volume_type::distributed_disperse:
      return 4;
  }
  return 0;
}

int gluster_status_code(cluster::volume_status s) {
  switch (s) {
    case cluster::volume_status::created:
      return 0;
    case cluster::volume_status::started:
      return 1;
    case cluster::volume_status::stopped:
      return 2;
  }
  return 0;
}

std::string volume_info_text(const std::vector<cluster::volume_info>& vols) {
  if (vols.empty())
    return "No volumes present\n";
  std::ostringstream out;
  for (const auto& info : vols) {
    const auto& v = info.volume;
    // why: gluster 10 opens each volume with a line holding one space.
    out << " \n"
        << "Volume Name: " << v.name << "\n"
        << "Type: " << cluster::to_string(v.type) << "\n"
        << "Volume ID: " << v.id << "\n"
        << "Status: " << cluster::to_string(v.status) << "\n"
        << "Snapshot Count: 0\n"
        << "Number of Bricks: " << brick_count_text(v) << "\n"
        << "Transport-type: " << v.transport << "\n"
        << "Bricks:\n";
    for (std::size_t i = 0; i < v.bricks.size(); ++i)
      out << "Brick" << i + 1 << ": " << v.bricks[i].name()
          << (v.bricks[i].arbiter ? " (arbiter)" : "") << "\n";
    if (!v.options.empty()) {
      out << "Options Reconfigured:\n";
      for (const auto& [key, value] : v.options)
        out << key << ": " << value << "\n";
    }
  }
  return out.str();
}

void write_json(json_writer& w, const cluster::volume_info& info) {
  const auto& v = info.volume;
  w.begin_object();
  w.field("name", v.name);
  w.field("id", v.id);
  w.field("status", gluster_status_code(v.status));
  w.field("statusStr", cluster::to_string(v.status));
  w.field("snapshotCount", 0);
  w.field("brickCount", static_cast<std::uint64_t>(v.bricks.size()));
  // why: gluster's distCount is the bricks per subvolume (glusterd's
  // dist_leaf_count), not the number of subvolumes.
  w.field("distCount", u64(v.group_size()));
  w.field("subvolumeCount", u64(v.subvolume_count()));
  w.field("replicaCount", u64(v.replica_count));
  w.field("arbiterCount", u64(v.arbiter_count));
  w.field("disperseCount", u64(v.disperse_count));
  w.field("redundancyCount", u64(v.redundancy_count));
  w.field("type", gluster_type_code(v.type));
  w.field("typeStr", cluster::to_string(v.type));
  w.field("transport", v.transport);
  w.key("bricks").begin_array();
  for (const auto& b : v.bricks) {
    w.begin_object();
    w.field("name", b.name());
    w.field("hostUuid", b.peer_uuid);
    w.field("isArbiter", b.arbiter);
    w.end_object();
  }
  w.end_array();
  w.field("optCount", static_cast<std::uint64_t>(v.options.size()));
  w.key("options").begin_array();
  for (const auto& [key, value] : v.options) {
    w.begin_object();
    w.field("name", key).field("value", value);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

std::string volume_info_json(const std::vector<cluster::volume_info>& vols) {
  json_writer w;
  w.begin_object().key("volumes").begin_array();
  for (const auto& v : vols)
    write_json(w, v);
  w.end_array();
  w.field("count", static_cast<std::uint64_t>(vols.size()));
  w.end_object();
  return w.str();
}

std::string volume_list_text(const std::vector<std::string>& names) {
  if (names.empty())
    return "No volumes present in cluster\n";
  std::string out;
  for (const auto& n : names)
    out += n + "\n";
  return out;
}

std::string volume_list_json(const std::vector<std::string>& names) {
  json_writer w;
  w.begin_object().field("count", static_cast<std::uint64_t>(names.size()));
  w.key("volume").begin_array();
  for (const auto& n : names)
    w.value(n);
  w.end_array().end_object();
  return w.str();
}

std::string
volume_status_text(const std::vector<cluster::volume_info>& vols) {
  if (vols.empty())
    return "No volumes present\n";
  std::ostringstream out;
  bool first = true;
  for (const auto& info : vols) {
    const auto& v = info.volume;
    if (!first)
      out << "\n";
    first = false;
    if (v.status != cluster::volume_status::started) {
      out << "Volume " << v.name << " is not started\n";
      continue;
    }
    out << "Status of volume: " << v.name << "\n";
    status_row(out, "Gluster process", "TCP Port", "RDMA Port", "Online",
               "Pid");
    out << dashes << "\n";
    for (std::size_t i = 0; i < v.bricks.size(); ++i) {
      auto o = observed_of(info, i);
      status_row(out, "Brick " + v.bricks[i].name(), number_or_na(o.port),
                 o.online && o.port != 0 ? "0" : "N/A", o.online ? "Y" : "N",
                 number_or_na(o.pid));
    }
    out << "\n";
    task_status(out, v);
  }
  return out.str();
}

std::string
volume_status_json(const std::vector<cluster::volume_info>& vols) {
  json_writer w;
  w.begin_object().key("volumes").begin_array();
  for (const auto& info : vols) {
    const auto& v = info.volume;
    bool started = v.status == cluster::volume_status::started;
    w.begin_object();
    w.field("volName", v.name);
    w.field("started", started);
    w.field("statusStr", cluster::to_string(v.status));
    w.field("nodeCount",
            static_cast<std::uint64_t>(started ? v.bricks.size() : 0));
    w.key("node").begin_array();
    for (std::size_t i = 0; started && i < v.bricks.size(); ++i) {
      const auto& b = v.bricks[i];
      auto o = observed_of(info, i);
      w.begin_object();
      w.field("hostname", b.host);
      w.field("path", b.path);
      w.field("peerid", b.peer_uuid);
      w.field("status", o.online ? 1 : 0);
      w.field("online", o.online);
      number_or_null(w, "port", o.port);
      number_or_null(w, "pid", o.pid);
      w.end_object();
    }
    w.end_array();
    w.key("tasks").begin_array();
    if (started && !v.remove_brick_task.empty())
      write_task_json(w, v);
    w.end_array();
    w.end_object();
  }
  w.end_array().end_object();
  return w.str();
}

std::string
volume_options_text(const std::vector<cluster::option_value>& opts) {
  std::size_t width = 40;
  for (const auto& o : opts)
    width = std::max(width, o.key.size() + 1);
  std::ostringstream out;
  out << pad("Option", width) << "Value\n"
      << pad("------", width) << "-----\n";
  for (const auto& o : opts)
    out << pad(o.key, width) << o.value << "\n";
  return out.str();
}

std::string
volume_options_json(const std::string& volume,
                    const std::vector<cluster::option_value>& opts) {
  json_writer w;
  w.begin_object();
  w.field("volName", volume);
  w.field("count", static_cast<std::uint64_t>(opts.size()));
  w.key("Opt").begin_array();
  for (const auto& o : opts) {
    w.begin_object();
    w.field("Option", o.key);
    w.field("Value", o.value);
    w.field("defaultValue", o.default_value);
    w.field("isSet", o.is_set);
    w.field("description", o.description);
    w.end_object();
  }
  w.end_array().end_object();
  return w.str();
}

std::string volfile_json(const cluster::volfile& f) {
  json_writer w;
  w.begin_object();
  w.field("name", f.name).field("version", f.version).field("text", f.text);
  w.end_object();
  return w.str();
}

std::string remove_brick_status_text(const cluster::volume_info& info) {
  const auto& v = info.volume;
  std::ostringstream out;
  out << "Volume: " << v.name << "\n"
      << "Task: Remove brick\n"
      << "ID: " << v.remove_brick_task << "\n"
      << "Removed bricks:\n";
  for (const auto* b : removed_bricks(v))
    out << b->name() << "\n";
  out << "Status: in progress\n";
  return out.str();
}

std::string remove_brick_status_json(const cluster::volume_info& info) {
  json_writer w;
  w.begin_object().field("volName", info.volume.name);
  w.key("task");
  write_task_json(w, info.volume);
  w.end_object();
  return w.str();
}

std::string change_json(const std::string& name_field, const std::string& name,
                        const cluster::change_done& d,
                        const std::string& task_id) {
  json_writer w;
  w.begin_object();
  w.field(name_field, name);
  w.field("revision", d.revision);
  w.field("message", d.message);
  if (!task_id.empty())
    w.field("taskId", task_id);
  if (d.volume) {
    w.key("volume");
    write_json(w, *d.volume);
  }
  w.end_object();
  return w.str();
}

} // namespace gd::glcli
