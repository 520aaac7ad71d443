#include "cmd/glusterd-actor/cluster_keys.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

#include <capnp/ez-rpc.h>

#include "actors/rpc/peer_pool.hpp"
#include "cmd/glusterd-actor/daemon.hpp"
#include "cmd/glusterd-actor/data_dir.hpp"
#include "protocol/management.capnp.h"

namespace gd::daemon {

namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string secret_path(const std::string& dir) {
  return dir + "/cluster.secret";
}

std::string credential_path(const std::string& dir) {
  return dir + "/credential";
}

} // namespace

std::optional<membership::key> load_cluster_secret(const std::string& dir) {
  if (!exists(secret_path(dir)))
    return std::nullopt;
  return membership::load_secret(secret_path(dir));
}

void save_cluster_secret(const std::string& dir, const membership::key& k) {
  membership::save_secret(secret_path(dir), k);
}

membership::key bootstrap_secret(const std::string& secret_file,
                                 std::size_t members) {
  if (!secret_file.empty()) {
    try {
      return membership::load_secret(secret_file);
    } catch (const std::exception& e) {
      throw usage_error(std::string("--cluster-secret-file: ") + e.what());
    }
  }
  if (members > 1)
    throw usage_error(
      "a new cluster of " + std::to_string(members)
      + " monitors needs one secret shared by all of them: make one with "
        "`glusterd-actor --make-secret FILE` and give each initial monitor "
        "--cluster-secret-file FILE");
  return membership::new_secret();
}

std::optional<membership::key> load_credential(const std::string& dir) {
  if (!exists(credential_path(dir)))
    return std::nullopt;
  return membership::load_secret(credential_path(dir));
}

std::string save_credential(const std::string& dir,
                            const std::optional<membership::key>& k) {
  try {
    if (k) {
      membership::save_secret(credential_path(dir), *k);
    } else if (::unlink(credential_path(dir).c_str()) != 0 && errno != ENOENT) {
      return "cannot delete " + credential_path(dir) + ": "
             + std::strerror(errno);
    }
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

join_grant fetch_join_grant(const std::string& address,
                            const std::string& token) {
  auto [host, port] = rpc::split_address(address);
  try {
    capnp::EzRpcClient client(host, port);
    auto mgmt = client.getMain<proto::schema::Management>();
    auto req = mgmt.joinInfoRequest();
    req.setToken(token);
    auto resp = client.getIoProvider()
                  .getTimer()
                  .timeoutAfter(10 * kj::SECONDS, req.send())
                  .wait(client.getWaitScope());
    std::string err{resp.getError().cStr(), resp.getError().size()};
    if (!err.empty())
      throw std::runtime_error("the monitor at " + address
                               + " refused the join: " + err);
    auto secret = resp.getSecret();
    join_grant g;
    g.cluster_id = resp.getClusterId();
    if (secret.size() != g.secret.size() || g.cluster_id == 0)
      throw std::runtime_error("the daemon at " + address
                               + " gave no cluster secret");
    std::copy(secret.begin(), secret.end(), g.secret.begin());
    return g;
  } catch (const kj::Exception& e) {
    throw std::runtime_error("cannot reach " + address + " to join: "
                             + e.getDescription().cStr());
  }
}

std::string join_token_for(const std::string& dir,
                           std::int64_t valid_seconds) {
  auto id = read_identity(dir);
  if (!id || !id->monitor || id->cluster_id == 0)
    throw std::runtime_error(dir + " holds no monitor of a cluster (run this "
                                   "on a monitor, with its --data-dir)");
  auto secret = load_cluster_secret(dir);
  if (!secret)
    throw std::runtime_error(dir + " holds no cluster secret");
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  return membership::make_join_token(*secret, id->cluster_id,
                                     now + valid_seconds);
}

} // namespace gd::daemon
