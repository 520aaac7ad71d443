#include "test/unit/cli/fake_daemon.hpp"

#include <algorithm>
#include <future>
#include <map>
#include <mutex>

#include <capnp/rpc-twoparty.h>
#include <kj/async-io.h>

#include "protocol/cluster_capnp.hpp"
#include "protocol/kv_capnp.hpp"
#include "protocol/management.capnp.h"
#include "protocol/monitor.capnp.h"
#include "protocol/records_capnp.hpp"

namespace gd::test {

namespace schema = gd::proto::schema;

namespace {

class ignore_errors final : public kj::TaskSet::ErrorHandler {
public:
  void taskFailed(kj::Exception&&) override {
    // nop: a watcher that went away
  }
};

} // namespace

struct fake_daemon::state {
  mutable std::mutex mu;
  bool hang = false;
  std::optional<gd::status> fail;
  std::vector<client::member_report> reports;
  cluster_answers answers;
  std::vector<std::string> cluster_calls;
  std::vector<cluster::command> changes;
  raft::configuration config;
  raft::log_index config_index = 10;

  std::map<std::string, kv::key_value> kvs;
  kv::revision rev = 1;
  kv::revision compacted = 0;
  /// Every event ever, in revision order.
  std::vector<kv::event> history;

  struct watch {
    std::uint64_t id;
    kv::key_range range;
    schema::Watcher::Client watcher;
  };
  std::vector<watch> watches;
  std::uint64_t next_watch = 1;
  /// Server thread only.
  kj::TaskSet* tasks = nullptr;
  kj::Own<kj::CrossThreadPromiseFulfiller<void>> stop;

  /// Precondition: `mu` held. Returns the failure to answer, if any.
  std::optional<gd::status> take_failure() {
    auto f = std::move(fail);
    fail.reset();
    return f;
  }

  kv::range_result do_range(const kv::range_request& r) const {
    kv::range_result out;
    out.header_revision = rev;
    for (const auto& [k, v] : kvs) {
      if (!r.range.contains(k))
        continue;
      ++out.count;
      if (r.count_only)
        continue;
      if (r.limit > 0 && static_cast<std::int64_t>(out.kvs.size()) >= r.limit) {
        out.more = true;
        continue;
      }
      out.kvs.push_back(v);
      if (r.keys_only)
        out.kvs.back().value.clear();
    }
    return out;
  }

  kv::put_result do_put(const kv::put_request& p, kv::revision at,
                        std::vector<kv::event>& evs) {
    kv::put_result out;
    auto it = kvs.find(p.key);
    kv::key_value kv;
    if (it != kvs.end()) {
      if (p.prev_kv)
        out.prev_kv = it->second;
      kv = it->second;
    } else {
      kv.key = p.key;
      kv.create_revision = at;
    }
    kv.value = p.value;
    kv.mod_revision = at;
    ++kv.version;
    kvs[p.key] = kv;
    evs.push_back({kv::event::kind::put, kv});
    return out;
  }

  kv::delete_result do_del(const kv::delete_request& d, kv::revision at,
                           std::vector<kv::event>& evs) {
    kv::delete_result out;
    for (auto it = kvs.begin(); it != kvs.end();) {
      if (!d.range.contains(it->first)) {
        ++it;
        continue;
      }
      ++out.deleted;
      if (d.prev_kv)
        out.prev_kvs.push_back(it->second);
      kv::key_value gone;
      gone.key = it->first;
      gone.mod_revision = at;
      evs.push_back({kv::event::kind::del, gone});
      it = kvs.erase(it);
    }
    return out;
  }

  bool holds(const kv::compare& c) const {
    auto it = kvs.find(c.key);
    auto cmp = [&](auto a, auto b) {
      switch (c.result) {
        case kv::compare_result::equal:
          return a == b;
        case kv::compare_result::not_equal:
          return a != b;
        case kv::compare_result::greater:
          return a > b;
        case kv::compare_result::less:
          return a < b;
      }
      return false;
    };
    switch (c.target) {
      case kv::compare_target::value:
        if (it == kvs.end())
          return c.result == kv::compare_result::not_equal;
        return cmp(it->second.value, c.value);
      case kv::compare_target::version:
        return cmp(it == kvs.end() ? 0 : it->second.version, c.number);
      case kv::compare_target::create_revision:
        return cmp(it == kvs.end() ? 0 : it->second.create_revision,
                   c.number);
      case kv::compare_target::mod_revision:
        return cmp(it == kvs.end() ? 0 : it->second.mod_revision, c.number);
    }
    return false;
  }

  /// Records `evs` (all of revision `at`) and streams them to watchers.
  void publish(const std::vector<kv::event>& evs, kv::revision at) {
    if (evs.empty())
      return;
    rev = at;
    history.insert(history.end(), evs.begin(), evs.end());
    for (auto& w : watches)
      send(w, evs, 0);
  }

  /// Sends the events of `evs` that `w` selects, from revision `from` on.
  void send(watch& w, const std::vector<kv::event>& evs, kv::revision from) {
    std::vector<const kv::event*> mine;
    for (const auto& e : evs)
      if (e.kv.mod_revision >= from && w.range.contains(e.kv.key))
        mine.push_back(&e);
    if (mine.empty() || tasks == nullptr)
      return;
    auto req = w.watcher.eventsRequest();
    auto list = req.initEvents(static_cast<unsigned>(mine.size()));
    for (unsigned i = 0; i < mine.size(); ++i)
      proto::to_capnp(*mine[i], list[i]);
    req.setHeaderRevision(rev);
    tasks->add(req.send());
  }

  void erase_watch(std::uint64_t id) {
    watches.erase(std::remove_if(watches.begin(), watches.end(),
                                 [id](const watch& w) { return w.id == id; }),
                  watches.end());
  }
};

namespace {

using state = fake_daemon::state;

void to_capnp(const client::monitor_status& s,
              schema::MonitorStatus::Builder b) {
  b.setId(s.id);
  b.setName(s.name);
  b.setAddress(s.address);
  b.setRole(s.role);
  b.setTerm(s.term);
  proto::to_capnp(s.leader, b.initLeader());
  b.setCommitIndex(s.commit_index);
  b.setAppliedIndex(s.applied_index);
  b.setLastIndex(s.last_index);
  b.setSnapshotIndex(s.snapshot_index);
  b.setClusterId(s.cluster_id);
  proto::to_capnp(s.config, b.initConfig());
  auto progress = b.initProgress(static_cast<unsigned>(s.progress.size()));
  for (unsigned i = 0; i < s.progress.size(); ++i) {
    const auto& p = s.progress[i];
    progress[i].setId(p.id);
    progress[i].setVoter(p.voter);
    progress[i].setMatch(p.match);
    progress[i].setNext(p.next);
    progress[i].setState(p.state);
    progress[i].setRecentActive(p.recent_active);
  }
  b.setRevision(s.revision);
}

class handle_impl final : public schema::WatchHandle::Server {
public:
  handle_impl(std::shared_ptr<state> st, std::uint64_t id)
    : st_(std::move(st)), id_(id) {
    // nop
  }

  ~handle_impl() {
    // Dropping every reference cancels the watch.
    std::lock_guard<std::mutex> lk(st_->mu);
    st_->erase_watch(id_);
  }

  kj::Promise<void> cancel(CancelContext) override {
    std::lock_guard<std::mutex> lk(st_->mu);
    st_->erase_watch(id_);
    return kj::READY_NOW;
  }

private:
  std::shared_ptr<state> st_;
  std::uint64_t id_;
};

class kv_impl final : public schema::Kv::Server {
public:
  explicit kv_impl(std::shared_ptr<state> st) : st_(std::move(st)) {
    // nop
  }

  kj::Promise<void> put(PutContext ctx) override {
    std::lock_guard<std::mutex> lk(st_->mu);
    if (st_->hang)
      return kj::NEVER_DONE;
    auto res = ctx.getResults().initResult();
    if (auto f = st_->take_failure()) {
      proto::to_capnp(*f, res.initFailure());
      return kj::READY_NOW;
    }
    auto req = proto::from_capnp(ctx.getParams().getRequest());
    std::vector<kv::event> evs;
    auto at = st_->rev + 1;
    auto r = st_->do_put(req, at, evs);
    st_->publish(evs, at);
    r.header_revision = st_->rev;
    proto::to_capnp(r, res.initOk());
    return kj::READY_NOW;
  }

  kj::Promise<void> range(RangeContext ctx) override {
    std::lock_guard<std::mutex> lk(st_->mu);
    if (st_->hang)
      return kj::NEVER_DONE;
    auto res = ctx.getResults().initResult();
    if (auto f = st_->take_failure()) {
      proto::to_capnp(*f, res.initFailure());
      return kj::READY_NOW;
    }
    auto req = proto::from_capnp(ctx.getParams().getRequest());
    proto::to_capnp(st_->do_range(req), res.initOk());
    return kj::READY_NOW;
  }

  kj::Promise<void> delete_(DeleteContext ctx) override {
    std::lock_guard<std::mutex> lk(st_->mu);
    if (st_->hang)
      return kj::NEVER_DONE;
    auto res = ctx.getResults().initResult();
    if (auto f = st_->take_failure()) {
      proto::to_capnp(*f, res.initFailure());
      return kj::READY_NOW;
    }
    auto req = proto::from_capnp(ctx.getParams().getRequest());
    std::vector<kv::event> evs;
    auto at = st_->rev + 1;
    auto r = st_->do_del(req, at, evs);
    st_->publish(evs, at);
    r.header_revision = st_->rev;
    proto::to_capnp(r, res.initOk());
    return kj::READY_NOW;
  }

  kj::Promise<void> txn(TxnContext ctx) override {
    std::lock_guard<std::mutex> lk(st_->mu);
    if (st_->hang)
      return kj::NEVER_DONE;
    auto res = ctx.getResults().initResult();
    if (auto f = st_->take_failure()) {
      proto::to_capnp(*f, res.initFailure());
      return kj::READY_NOW;
    }
    auto req = proto::from_capnp(ctx.getParams().getRequest());
    kv::txn_result out;
    out.succeeded = std::all_of(req.compares.begin(), req.compares.end(),
                                [&](const auto& c) { return st_->holds(c); });
    std::vector<kv::event> evs;
    auto at = st_->rev + 1;
    for (const auto& op : out.succeeded ? req.success : req.failure) {
      if (auto* p = std::get_if<kv::put_request>(&op))
        out.responses.emplace_back(st_->do_put(*p, at, evs));
      else if (auto* d = std::get_if<kv::delete_request>(&op))
        out.responses.emplace_back(st_->do_del(*d, at, evs));
      else if (auto* r = std::get_if<kv::range_request>(&op))
        out.responses.emplace_back(st_->do_range(*r));
    }
    st_->publish(evs, at);
    out.header_revision = st_->rev;
    for (auto& r : out.responses)
      std::visit([&](auto& x) { x.header_revision = st_->rev; }, r);
    proto::to_capnp(out, res.initOk());
    return kj::READY_NOW;
  }

  kj::Promise<void> compact(CompactContext ctx) override {
    std::lock_guard<std::mutex> lk(st_->mu);
    if (st_->hang)
      return kj::NEVER_DONE;
    auto res = ctx.getResults().initResult();
    if (auto f = st_->take_failure()) {
      proto::to_capnp(*f, res.initFailure());
      return kj::READY_NOW;
    }
    auto rev = ctx.getParams().getRevision();
    if (rev > st_->rev) {
      proto::to_capnp(gd::status::error(status_code::invalid,
                                        "revision " + std::to_string(rev)
                                          + " is in the future"),
                      res.initFailure());
      return kj::READY_NOW;
    }
    st_->compacted = std::max(st_->compacted, rev);
    // The fake cancels every watch on compaction.
    for (auto& w : st_->watches) {
      auto req = w.watcher.canceledRequest();
      auto reason = gd::status::error(
        status_code::compacted,
        "history through revision " + std::to_string(rev) + " is compacted");
      proto::to_capnp(reason, req.initReason());
      st_->tasks->add(req.send().ignoreResult());
    }
    st_->watches.clear();
    res.initOk().setHeaderRevision(st_->rev);
    return kj::READY_NOW;
  }

  kj::Promise<void> watch(WatchContext ctx) override {
    std::lock_guard<std::mutex> lk(st_->mu);
    if (st_->hang)
      return kj::NEVER_DONE;
    auto res = ctx.getResults().initResult();
    if (auto f = st_->take_failure()) {
      proto::to_capnp(*f, res.initFailure());
      return kj::READY_NOW;
    }
    auto params = ctx.getParams();
    auto start = params.getStartRevision();
    if (start > 0 && start <= st_->compacted) {
      proto::to_capnp(
        gd::status::error(status_code::compacted,
                          "revision " + std::to_string(start)
                            + " is compacted"),
        res.initFailure());
      return kj::READY_NOW;
    }
    auto range = params.getRange();
    auto key = range.getKey();
    auto end = range.getRangeEnd();
    state::watch w{st_->next_watch++,
                   {std::string(key.asChars().begin(), key.size()),
                    std::string(end.asChars().begin(), end.size())},
                   params.getWatcher()};
    if (start > 0)
      st_->send(w, st_->history, start);
    auto id = w.id;
    st_->watches.push_back(std::move(w));
    auto ok = res.initOk();
    ok.setHandle(kj::heap<handle_impl>(st_, id));
    ok.setHeaderRevision(st_->rev);
    return kj::READY_NOW;
  }

private:
  std::shared_ptr<state> st_;
};

class monitor_impl final : public schema::Monitor::Server {
public:
  explicit monitor_impl(std::shared_ptr<state> st) : st_(std::move(st)) {
    // nop
  }

  kj::Promise<void> status(StatusContext ctx) override {
    std::lock_guard<std::mutex> lk(st_->mu);
    if (st_->hang)
      return kj::NEVER_DONE;
    auto res = ctx.getResults().initResult();
    if (auto f = st_->take_failure()) {
      proto::to_capnp(*f, res.initFailure());
      return kj::READY_NOW;
    }
    if (st_->reports.empty() || !st_->reports.front().status) {
      proto::to_capnp(
        gd::status::error(status_code::not_found, "not a monitor"),
        res.initFailure());
      return kj::READY_NOW;
    }
    to_capnp(*st_->reports.front().status, res.initOk());
    return kj::READY_NOW;
  }

  kj::Promise<void> clusterStatus(ClusterStatusContext ctx) override {
    std::lock_guard<std::mutex> lk(st_->mu);
    if (st_->hang)
      return kj::NEVER_DONE;
    auto list = ctx.getResults().initMembers(
      static_cast<unsigned>(st_->reports.size()));
    for (unsigned i = 0; i < st_->reports.size(); ++i) {
      const auto& r = st_->reports[i];
      proto::to_capnp(r.member, list[i].initMember());
      if (r.status)
        to_capnp(*r.status, list[i].initStatus());
      else
        list[i].setUnreachable(r.unreachable);
    }
    return kj::READY_NOW;
  }

  kj::Promise<void> addMember(AddMemberContext ctx) override {
    std::lock_guard<std::mutex> lk(st_->mu);
    if (st_->hang)
      return kj::NEVER_DONE;
    auto res = ctx.getResults().initResult();
    if (auto f = st_->take_failure()) {
      proto::to_capnp(*f, res.initFailure());
      return kj::READY_NOW;
    }
    auto m = proto::from_capnp(ctx.getParams().getMember());
    if (st_->config.contains(m.id)) {
      proto::to_capnp(gd::status::error(status_code::exists,
                                        m.name + " is a member already"),
                      res.initFailure());
      return kj::READY_NOW;
    }
    st_->config.learners.push_back(m);
    auto ok = res.initOk();
    ok.setIndex(++st_->config_index);
    proto::to_capnp(st_->config, ok.initConfig());
    return kj::READY_NOW;
  }

  kj::Promise<void> removeMember(RemoveMemberContext ctx) override {
    std::lock_guard<std::mutex> lk(st_->mu);
    if (st_->hang)
      return kj::NEVER_DONE;
    auto res = ctx.getResults().initResult();
    if (auto f = st_->take_failure()) {
      proto::to_capnp(*f, res.initFailure());
      return kj::READY_NOW;
    }
    std::string name = ctx.getParams().getName();
    auto id = raft::member_id_of(name);
    if (!st_->config.contains(id)) {
      proto::to_capnp(gd::status::error(status_code::not_found,
                                        "no monitor named " + name),
                      res.initFailure());
      return kj::READY_NOW;
    }
    for (auto* list : {&st_->config.voters, &st_->config.learners})
      list->erase(std::remove_if(list->begin(), list->end(),
                                 [id](const auto& m) { return m.id == id; }),
                  list->end());
    auto ok = res.initOk();
    ok.setIndex(++st_->config_index);
    proto::to_capnp(st_->config, ok.initConfig());
    return kj::READY_NOW;
  }

  kj::Promise<void> transferLeader(TransferLeaderContext ctx) override {
    std::lock_guard<std::mutex> lk(st_->mu);
    if (st_->hang)
      return kj::NEVER_DONE;
    auto res = ctx.getResults().initResult();
    if (auto f = st_->take_failure()) {
      proto::to_capnp(*f, res.initFailure());
      return kj::READY_NOW;
    }
    std::string name = ctx.getParams().getName();
    const auto* m = st_->config.find(raft::member_id_of(name));
    if (m == nullptr) {
      proto::to_capnp(gd::status::error(status_code::not_found,
                                        "no monitor named " + name),
                      res.initFailure());
      return kj::READY_NOW;
    }
    proto::to_capnp(leader_hint{m->id, m->name, m->address}, res.initOk());
    return kj::READY_NOW;
  }

private:
  std::shared_ptr<state> st_;
};

std::string str(capnp::Text::Reader t) {
  return {t.cStr(), t.size()};
}

class cluster_impl final : public schema::Cluster::Server {
public:
  explicit cluster_impl(std::shared_ptr<state> st) : st_(std::move(st)) {
    // nop
  }

  kj::Promise<void> change(ChangeContext ctx) override {
    std::lock_guard<std::mutex> lk(st_->mu);
    auto params = ctx.getParams();
    st_->cluster_calls.push_back("change hops="
                                 + std::to_string(params.getHops()));
    st_->changes.push_back(proto::from_capnp(params.getCommand()));
    return answer_change(ctx.getResults().initResult());
  }

  kj::Promise<void> peerProbe(PeerProbeContext ctx) override {
    std::lock_guard<std::mutex> lk(st_->mu);
    st_->cluster_calls.push_back("peerProbe "
                                 + str(ctx.getParams().getHost()));
    return answer_change(ctx.getResults().initResult());
  }

  kj::Promise<void> peerDetach(PeerDetachContext ctx) override {
    std::lock_guard<std::mutex> lk(st_->mu);
    auto params = ctx.getParams();
    st_->cluster_calls.push_back("peerDetach " + str(params.getHost())
                                 + " force="
                                 + (params.getForce() ? "1" : "0"));
    return answer_change(ctx.getResults().initResult());
  }

  kj::Promise<void> peers(PeersContext ctx) override {
    std::lock_guard<std::mutex> lk(st_->mu);
    st_->cluster_calls.push_back("peers");
    if (st_->hang)
      return kj::NEVER_DONE;
    auto res = ctx.getResults().initResult();
    if (auto f = st_->take_failure()) {
      proto::to_capnp(*f, res.initFailure());
      return kj::READY_NOW;
    }
    const auto& ps = st_->answers.peers;
    auto list = res.initOk(static_cast<unsigned>(ps.size()));
    for (unsigned i = 0; i < ps.size(); ++i)
      proto::to_capnp(ps[i], list[i]);
    return kj::READY_NOW;
  }

  kj::Promise<void> volumes(VolumesContext ctx) override {
    std::lock_guard<std::mutex> lk(st_->mu);
    auto name = str(ctx.getParams().getName());
    st_->cluster_calls.push_back("volumes " + name);
    if (st_->hang)
      return kj::NEVER_DONE;
    auto res = ctx.getResults().initResult();
    if (auto f = st_->take_failure()) {
      proto::to_capnp(*f, res.initFailure());
      return kj::READY_NOW;
    }
    std::vector<const cluster::volume_info*> chosen;
    for (const auto& v : st_->answers.volumes)
      if (name.empty() || name == "all" || v.volume.name == name)
        chosen.push_back(&v);
    if (chosen.empty() && !name.empty() && name != "all") {
      proto::to_capnp(gd::status::error(status_code::not_found,
                                        "Volume " + name
                                          + " does not exist"),
                      res.initFailure());
      return kj::READY_NOW;
    }
    auto list = res.initOk(static_cast<unsigned>(chosen.size()));
    for (unsigned i = 0; i < chosen.size(); ++i)
      proto::to_capnp(*chosen[i], list[i]);
    return kj::READY_NOW;
  }

  kj::Promise<void> volumeNames(VolumeNamesContext ctx) override {
    std::lock_guard<std::mutex> lk(st_->mu);
    st_->cluster_calls.push_back("volumeNames");
    if (st_->hang)
      return kj::NEVER_DONE;
    auto res = ctx.getResults().initResult();
    if (auto f = st_->take_failure()) {
      proto::to_capnp(*f, res.initFailure());
      return kj::READY_NOW;
    }
    const auto& vs = st_->answers.volumes;
    auto list = res.initOk(static_cast<unsigned>(vs.size()));
    for (unsigned i = 0; i < vs.size(); ++i)
      list.set(i, vs[i].volume.name);
    return kj::READY_NOW;
  }

  kj::Promise<void> volumeOptions(VolumeOptionsContext ctx) override {
    std::lock_guard<std::mutex> lk(st_->mu);
    auto params = ctx.getParams();
    auto key = str(params.getKey());
    st_->cluster_calls.push_back("volumeOptions " + str(params.getName())
                                 + " " + key);
    if (st_->hang)
      return kj::NEVER_DONE;
    auto res = ctx.getResults().initResult();
    if (auto f = st_->take_failure()) {
      proto::to_capnp(*f, res.initFailure());
      return kj::READY_NOW;
    }
    std::vector<const cluster::option_value*> chosen;
    for (const auto& o : st_->answers.options)
      if (key == "all" || o.key == key)
        chosen.push_back(&o);
    if (chosen.empty() && key != "all") {
      proto::to_capnp(gd::status::error(status_code::not_found,
                                        "Did you mean ... ? " + key
                                          + " is not a valid option"),
                      res.initFailure());
      return kj::READY_NOW;
    }
    auto list = res.initOk(static_cast<unsigned>(chosen.size()));
    for (unsigned i = 0; i < chosen.size(); ++i)
      proto::to_capnp(*chosen[i], list[i]);
    return kj::READY_NOW;
  }

  kj::Promise<void> volfile(VolfileContext ctx) override {
    std::lock_guard<std::mutex> lk(st_->mu);
    auto params = ctx.getParams();
    st_->cluster_calls.push_back("volfile " + str(params.getName()) + " "
                                 + str(params.getBrick()) + " client="
                                 + (params.getClient() ? "1" : "0"));
    if (st_->hang)
      return kj::NEVER_DONE;
    auto res = ctx.getResults().initResult();
    if (auto f = st_->take_failure()) {
      proto::to_capnp(*f, res.initFailure());
      return kj::READY_NOW;
    }
    proto::to_capnp(st_->answers.volfile, res.initOk());
    return kj::READY_NOW;
  }

private:
  /// Precondition: `mu` held.
  kj::Promise<void> answer_change(schema::ClusterChangeResult::Builder res) {
    if (st_->hang)
      return kj::NEVER_DONE;
    if (auto f = st_->take_failure()) {
      proto::to_capnp(*f, res.initFailure());
      return kj::READY_NOW;
    }
    proto::to_capnp(st_->answers.change, res.initOk());
    return kj::READY_NOW;
  }

  std::shared_ptr<state> st_;
};

class management_impl final : public schema::Management::Server {
public:
  explicit management_impl(std::shared_ptr<state> st)
    : kv_(kj::heap<kv_impl>(st)), monitor_(kj::heap<monitor_impl>(st)),
      cluster_(kj::heap<cluster_impl>(st)) {
    // nop
  }

  kj::Promise<void> info(InfoContext ctx) override {
    auto i = ctx.getResults().initInfo();
    i.setName("fake");
    i.setId(raft::member_id_of("fake"));
    i.setAddress("127.0.0.1:24007");
    i.setClusterId(42);
    i.setMonitor(true);
    i.setVersion("test");
    return kj::READY_NOW;
  }

  kj::Promise<void> kv(KvContext ctx) override {
    ctx.getResults().setKv(kv_);
    return kj::READY_NOW;
  }

  kj::Promise<void> monitor(MonitorContext ctx) override {
    ctx.getResults().setMonitor(monitor_);
    return kj::READY_NOW;
  }

  kj::Promise<void> cluster(ClusterContext ctx) override {
    ctx.getResults().setCluster(cluster_);
    return kj::READY_NOW;
  }

private:
  schema::Kv::Client kv_;
  schema::Monitor::Client monitor_;
  schema::Cluster::Client cluster_;
};

} // namespace

fake_daemon::fake_daemon() : st_(std::make_shared<state>()) {
  st_->config.voters = {{raft::member_id_of("m1"), "m1", "127.1.1.1:24007"},
                        {raft::member_id_of("m2"), "m2", "127.1.1.2:24007"},
                        {raft::member_id_of("m3"), "m3", "127.1.1.3:24007"}};
  std::promise<std::uint16_t> ready;
  auto port = ready.get_future();
  thread_ = std::thread([st = st_, &ready] {
    auto io = kj::setupAsyncIo();
    ignore_errors handler;
    kj::TaskSet tasks(handler);
    auto addr = io.provider->getNetwork()
                  .parseAddress("127.0.0.1", 0)
                  .wait(io.waitScope);
    auto listener = addr->listen();
    auto stop = kj::newPromiseAndCrossThreadFulfiller<void>();
    {
      std::lock_guard<std::mutex> lk(st->mu);
      st->tasks = &tasks;
      st->stop = kj::mv(stop.fulfiller);
    }
    {
      capnp::TwoPartyServer server(kj::heap<management_impl>(st));
      auto listening = server.listen(*listener);
      ready.set_value(static_cast<std::uint16_t>(listener->getPort()));
      listening.exclusiveJoin(kj::mv(stop.promise)).wait(io.waitScope);
      std::lock_guard<std::mutex> lk(st->mu);
      st->watches.clear();
      st->tasks = nullptr;
    }
  });
  port_ = port.get();
}

fake_daemon::~fake_daemon() {
  {
    std::lock_guard<std::mutex> lk(st_->mu);
    st_->stop->fulfill();
  }
  thread_.join();
}

std::string fake_daemon::address() const {
  return "127.0.0.1:" + std::to_string(port_);
}

void fake_daemon::set_hang(bool hang) {
  std::lock_guard<std::mutex> lk(st_->mu);
  st_->hang = hang;
}

void fake_daemon::fail_next(gd::status st) {
  std::lock_guard<std::mutex> lk(st_->mu);
  st_->fail = std::move(st);
}

void fake_daemon::set_reports(std::vector<client::member_report> reports) {
  std::lock_guard<std::mutex> lk(st_->mu);
  st_->reports = std::move(reports);
}

std::size_t fake_daemon::watchers() const {
  std::lock_guard<std::mutex> lk(st_->mu);
  return st_->watches.size();
}

std::int64_t fake_daemon::revision() const {
  std::lock_guard<std::mutex> lk(st_->mu);
  return st_->rev;
}

void fake_daemon::set_cluster(cluster_answers a) {
  std::lock_guard<std::mutex> lk(st_->mu);
  st_->answers = std::move(a);
}

std::vector<std::string> fake_daemon::cluster_calls() const {
  std::lock_guard<std::mutex> lk(st_->mu);
  return st_->cluster_calls;
}

std::vector<cluster::command> fake_daemon::changes() const {
  std::lock_guard<std::mutex> lk(st_->mu);
  return st_->changes;
}

} // namespace gd::test
