#include "store/bootstrap.hpp"

#include <string>

namespace gd::store {

void bootstrap_member(raft_log& log, kv_store& kv,
                      const raft::configuration& c) {
  if (log.last_index() != 0 || kv.applied().index != 0)
    throw store_error(store_errc::precondition,
                      "bootstrap: the member is not blank (its log ends at "
                        + std::to_string(log.last_index())
                        + ", its store applied through "
                        + std::to_string(kv.applied().index) + ")");
  auto b = kv.begin();
  b.set_config(c);
  b.commit();
  kv.flush();
  raft::snapshot_meta boot;
  boot.config = c;
  log.reset(boot);
  log.sync();
}

} // namespace gd::store
