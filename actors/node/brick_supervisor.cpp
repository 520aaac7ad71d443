#include "actors/node/brick_supervisor.hpp"

#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "actors/config/volgen.hpp"
#include "actors/node/brick_prep.hpp"
#include "actors/node/brick_process.hpp"
#include "actors/node/model_mirror.hpp"
#include "store/fs.hpp"

namespace gd::node {

namespace {

using clock = std::chrono::steady_clock;

std::string key_of(const std::string& volume, const std::string& path) {
  return volume + "\t" + path;
}

/// A file name for a brick's pid file, socket and log: the volfile id,
/// which glusterd uses too ("v1.host.srv-b1").
std::string file_stem(const std::string& volfile_id) {
  auto s = volfile_id;
  std::replace(s.begin(), s.end(), '/', '-');
  return s;
}

/// The brick's control socket (glusterfsd -S): a short name, since a unix
/// socket path holds at most 107 bytes; under /tmp if the run dir's own
/// path is too long.
std::string socket_path(const std::string& run_dir, const std::string& volfile_id) {
  char name[32];
  std::snprintf(name, sizeof(name), "%016zx.socket",
                std::hash<std::string>{}(run_dir + "/" + volfile_id));
  auto p = run_dir + "/" + name;
  return p.size() < 100 ? p : std::string("/tmp/gd-brick-") + name;
}

} // namespace

struct brick_supervisor::entry {
  // What the model says (refreshed at every reconcile while desired).
  std::string volume;
  std::string volume_id;
  std::string path;
  std::string volfile_id;
  unsigned port = 0;
  bool desired = false;

  // What runs.
  pid_t pid = 0;
  pid_t launcher = 0;
  clock::time_point started{};
  /// Stop: when SIGTERM went out (zero: not stopping).
  clock::time_point stop_sent{};
  std::uint32_t failures = 0;
  clock::time_point next_try{};
  std::string error;
  /// Signed in on the management port since it (re)started.
  bool signed_in = false;

  std::string pid_file(const supervisor_settings& s) const {
    return s.run_dir + "/" + file_stem(volfile_id) + ".pid";
  }
};

brick_supervisor::brick_supervisor(kj::Timer& timer,
                                   supervisor_settings settings,
                                   const model_mirror& mirror,
                                   report_fn report, log_fn log)
  : timer_(timer),
    settings_(std::move(settings)),
    mirror_(mirror),
    report_(std::move(report)),
    log_(std::move(log)) {
  std::error_code ec;
  std::filesystem::create_directories(settings_.run_dir, ec);
  std::filesystem::create_directories(settings_.log_dir, ec);
  load_table();
}

brick_supervisor::~brick_supervisor() = default;

// -- the port table --------------------------------------------------------
//
// One line per brick this server ran: "port\tvolume-id\tvolume\tvolfile-id\t
// path". Written atomically after every change.

void brick_supervisor::load_table() {
  std::ifstream in(settings_.state_file);
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string part;
    while (std::getline(ss, part, '\t'))
      f.push_back(part);
    unsigned port = 0;
    try {
      port = f.size() == 5 ? static_cast<unsigned>(std::stoul(f[0])) : 0;
    } catch (const std::exception&) {
      port = 0;
    }
    if (port == 0 || f[4].empty() || f[4].front() != '/') {
      if (log_)
        log_("bricks: " + settings_.state_file + " line " + std::to_string(n)
             + " is malformed; skipped");
      continue;
    }
    entry e;
    e.port = port;
    e.volume_id = f[1];
    e.volume = f[2];
    e.volfile_id = f[3];
    e.path = f[4];
    entries_.emplace(key_of(e.volume, e.path), std::move(e));
  }
}

void brick_supervisor::save_table() {
  std::string text;
  for (const auto& [k, e] : entries_)
    text += std::to_string(e.port) + "\t" + e.volume_id + "\t" + e.volume
            + "\t" + e.volfile_id + "\t" + e.path + "\n";
  try {
    store::fs::write_file_atomically(settings_.state_file, text, 0600);
  } catch (const std::exception& ex) {
    if (log_)
      log_(std::string("bricks: cannot save the port table: ") + ex.what());
  }
}

unsigned brick_supervisor::allocate_port(const std::string& except_key) {
  std::set<unsigned> taken;
  for (const auto& [k, e] : entries_)
    if (k != except_key)
      taken.insert(e.port);
  for (unsigned p = settings_.base_port; p <= settings_.max_port; ++p)
    if (!taken.count(p) && port_free(settings_.bind_address, p))
      return p;
  return 0;
}

// -- reconciling -------------------------------------------------------------

kj::Promise<void> brick_supervisor::run() {
  return timer_.afterDelay(settings_.poll.count() * kj::MILLISECONDS)
    .then([this]() {
      reconcile();
      return run();
    });
}

bool brick_supervisor::refresh_desired() {
  auto reader = mirror_.store().reader();
  existing_volumes_.clear();
  for (auto& k : entries_)
    k.second.desired = false;
  bool table_changed = false;
  for (const auto& v : reader.volumes()) {
    existing_volumes_.insert(v.id);
    if (v.status != cluster::volume_status::started)
      continue;
    for (const auto& b : v.bricks) {
      if (b.peer_uuid != settings_.uuid)
        continue;
      auto key = key_of(v.name, b.path);
      auto it = entries_.find(key);
      if (it == entries_.end() || it->second.volume_id != v.id) {
        if (it != entries_.end() && it->second.pid == 0
            && it->second.launcher == 0)
          entries_.erase(it);
        else if (it != entries_.end())
          continue; // the old volume's brick still stops first
        entry e;
        e.volume = v.name;
        e.volume_id = v.id;
        e.path = b.path;
        it = entries_.emplace(key, std::move(e)).first;
        table_changed = true;
      }
      auto& e = it->second;
      e.desired = true;
      auto vid = cluster::brick_volfile_id(v, b);
      if (e.volfile_id != vid) {
        e.volfile_id = vid;
        table_changed = true;
      }
    }
  }
  return table_changed;
}

void brick_supervisor::reconcile() {
  auto now = clock::now();
  // Launchers first: they say whether a start worked.
  for (auto& [k, e] : entries_) {
    if (e.launcher == 0)
      continue;
    auto status = reap(e.launcher);
    if (!status)
      continue;
    e.launcher = 0;
    if (*status != 0) {
      on_failure(e, "glusterfsd exited with status " + std::to_string(*status)
                      + " while starting (see " + settings_.log_dir + "/"
                      + file_stem(e.volfile_id) + ".log)");
      continue;
    }
    if (auto pid = running_brick(e.pid_file(settings_), e.volfile_id)) {
      e.pid = *pid;
      e.error.clear();
      if (log_)
        log_("bricks: started " + settings_.host + ":" + e.path + " of volume "
             + e.volume + " (pid " + std::to_string(e.pid) + ", port "
             + std::to_string(e.port) + ")");
    } else {
      on_failure(e, "glusterfsd started but is not running (see "
                      + settings_.log_dir + "/" + file_stem(e.volfile_id)
                      + ".log)");
    }
  }
  if (!mirror_.ready()) {
    maybe_report();
    return;
  }

  // What the model wants here: read again only after the copy changed
  // (decoding every volume at every poll would cost a large cluster).
  bool table_changed = false;
  if (poked_ || !desired_known_) {
    poked_ = false;
    desired_known_ = true;
    table_changed = refresh_desired();
  }
  for (auto it = entries_.begin(); it != entries_.end();) {
    auto& e = it->second;
    // Is it running? (adopts a brick a previous run of the agent started)
    if (e.pid == 0 && e.launcher == 0 && !e.volfile_id.empty())
      if (auto pid = running_brick(e.pid_file(settings_), e.volfile_id)) {
        e.pid = *pid;
        e.started = now;
        if (log_)
          log_("bricks: adopted the running brick " + settings_.host + ":"
               + e.path + " of volume " + e.volume + " (pid "
               + std::to_string(e.pid) + ")");
      }
    if (e.pid != 0 && !running_brick(e.pid_file(settings_), e.volfile_id)) {
      auto was = e.pid;
      e.pid = 0;
      e.signed_in = false;
      if (e.desired && e.stop_sent == clock::time_point{})
        on_failure(e, "the brick process (pid " + std::to_string(was)
                        + ") exited");
    }
    if (e.desired) {
      e.stop_sent = {};
      if (e.pid != 0 && e.failures != 0 && now - e.started >= settings_.healthy_after)
        e.failures = 0;
      if (e.pid == 0 && e.launcher == 0 && now >= e.next_try) {
        if (e.port == 0 || !port_free(settings_.bind_address, e.port)) {
          auto p = allocate_port(it->first);
          if (p != e.port)
            table_changed = true;
          e.port = p;
        }
        if (e.port == 0)
          on_failure(e, "no free port in " + std::to_string(settings_.base_port)
                          + "-" + std::to_string(settings_.max_port));
        else
          start(e);
      }
      ++it;
      continue;
    }
    // Not wanted here: stop it, then (volume deleted) release it.
    if (e.pid != 0 || e.launcher != 0) {
      if (e.pid != 0) {
        if (e.stop_sent == clock::time_point{}) {
          e.stop_sent = now;
          signal_process(e.pid, SIGTERM);
          if (log_)
            log_("bricks: stopping " + settings_.host + ":" + e.path
                 + " of volume " + e.volume + " (pid " + std::to_string(e.pid)
                 + ")");
        } else if (now - e.stop_sent >= settings_.stop_grace) {
          signal_process(e.pid, SIGKILL);
        }
      }
      ++it;
      continue;
    }
    e.stop_sent = {};
    e.error.clear();
    e.failures = 0;
    if (!existing_volumes_.count(e.volume_id)) {
      auto err = release_brick(e.path, e.volume_id);
      if (!err.empty() && log_)
        log_("bricks: volume " + e.volume + " was deleted but its brick "
             + e.path + " could not be released: " + err);
      std::error_code ec;
      std::filesystem::remove(e.pid_file(settings_), ec);
      it = entries_.erase(it);
      table_changed = true;
      // why: a new volume may want this path (deleted and made again).
      poked_ = true;
      continue;
    }
    ++it;
  }
  if (table_changed)
    save_table();
  maybe_report();
}

void brick_supervisor::start(entry& e) {
  auto err = prepare_brick(settings_.host, e.path, e.volume_id, true);
  if (!err.empty())
    return on_failure(e, err);
  brick_launch l;
  l.glusterfsd = settings_.glusterfsd;
  l.volfile_host = settings_.volfile_host;
  l.volfile_port = settings_.volfile_port;
  l.volfile_id = e.volfile_id;
  l.volume = e.volume;
  l.brick_path = e.path;
  l.port = e.port;
  l.pid_file = e.pid_file(settings_);
  l.socket_file = socket_path(settings_.run_dir, e.volfile_id);
  l.log_file = settings_.log_dir + "/" + file_stem(e.volfile_id) + ".log";
  l.node_uuid = settings_.uuid;
  std::error_code ec;
  std::filesystem::remove(l.pid_file, ec);
  auto r = spawn_brick(l);
  if (!r.error.empty())
    return on_failure(e, r.error);
  e.launcher = r.pid;
  e.started = clock::now();
  e.signed_in = false;
}

void brick_supervisor::on_failure(entry& e, const std::string& why) {
  ++e.failures;
  auto shift = std::min<std::uint32_t>(e.failures - 1, 16);
  std::chrono::milliseconds delay = std::min<std::chrono::milliseconds>(
    settings_.backoff_min * (1L << shift), settings_.backoff_max);
  e.next_try = clock::now() + delay;
  e.error = why;
  if (log_)
    log_("bricks: " + settings_.host + ":" + e.path + " of volume " + e.volume
         + ": " + why + "; next try in " + std::to_string(delay.count())
         + " ms");
}

std::optional<unsigned> brick_supervisor::port_of(const std::string& path) const {
  for (const auto& [k, e] : entries_)
    if (e.path == path && e.pid != 0)
      return e.port;
  return std::nullopt;
}

void brick_supervisor::signed_in(const std::string& path, unsigned port,
                                 std::int64_t) {
  for (auto& [k, e] : entries_)
    if (e.path == path && e.port == port)
      e.signed_in = true;
  poked_ = true;
}

void brick_supervisor::signed_out(const std::string& path) {
  for (auto& [k, e] : entries_)
    if (e.path == path)
      e.signed_in = false;
}

std::vector<cluster::brick_observation> brick_supervisor::observations() const {
  std::vector<cluster::brick_observation> out;
  for (const auto& [k, e] : entries_) {
    if (!e.desired)
      continue;
    cluster::brick_observation o;
    o.volume = e.volume;
    o.path = e.path;
    o.online = e.pid != 0;
    o.port = o.online ? e.port : 0;
    o.pid = o.online ? static_cast<std::uint32_t>(e.pid) : 0;
    o.error = o.online ? std::string{} : e.error;
    out.push_back(std::move(o));
  }
  return out;
}

void brick_supervisor::maybe_report() {
  if (reporting_ || !report_ || !mirror_.ready())
    return;
  cluster::bricks_observed now;
  now.uuid = settings_.uuid;
  now.bricks = observations();
  if (reported_ && *reported_ == now)
    return;
  reporting_ = true;
  tasks_.add(report_(now)
               .then([this, now](bool committed) {
                 reporting_ = false;
                 if (committed)
                   reported_ = now;
               },
               [this](kj::Exception&&) { reporting_ = false; }));
}

} // namespace gd::node
