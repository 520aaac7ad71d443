#include "actors/rpc/onc_door.hpp"

#include <cerrno>
#include <cstring>
#include <set>
#include <vector>

#include <kj/debug.h>

#include "actors/node/brick_service.hpp"
#include "protocol/gluster_programs.hpp"
#include "protocol/onc_rpc.hpp"
#include "protocol/xdr.hpp"

namespace gd::rpc {

namespace {

/// One ONC RPC connection: reads records, answers calls in order, pushes
/// FETCHSPEC when a volfile it fetched changes.
class onc_connection {
public:
  onc_connection(kj::Own<kj::AsyncIoStream> stream, std::string peer,
                 node::brick_service* service, onc_counters& counters,
                 onc_door_settings settings,
                 std::function<void(const std::string&)> log)
    : stream_(kj::mv(stream)),
      peer_(std::move(peer)),
      service_(service),
      counters_(counters),
      records_(settings.max_record_bytes),
      log_(std::move(log)) {
    static std::uint64_t next_session = 1;
    session_ = next_session++;
    ++counters_.connections;
  }

  ~onc_connection() {
    if (service_) {
      for (auto w : watches_)
        service_->unwatch(w);
      service_->session_closed(session_);
    }
  }

  kj::Promise<void> run(std::string first) {
    if (!consume(first.data(), first.size()))
      return kj::READY_NOW;
    return read_loop();
  }

private:
  kj::Promise<void> read_loop() {
    return stream_->tryRead(buffer_, 1, sizeof(buffer_))
      .then([this](std::size_t n) -> kj::Promise<void> {
        if (n == 0) {
          if (records_.in_record())
            bad("the connection closed in the middle of a record");
          return writes_.addBranch();
        }
        if (!consume(buffer_, n))
          return writes_.addBranch();
        return read_loop();
      });
  }

  /// Feeds bytes and answers every complete record. False: stop reading.
  bool consume(const char* data, std::size_t n) {
    records_.feed(data, n);
    while (auto record = records_.next())
      handle(*record);
    if (records_.failed()) {
      ++counters_.bad_records;
      bad(records_.error());
      return false;
    }
    return !closed_;
  }

  void handle(const std::string& record) {
    onc::call c;
    try {
      if (onc::kind_of(record) == onc::msg_kind::reply)
        return; // a client answering our FETCHSPEC call: nothing to do
      c = onc::parse_call(record);
    } catch (const onc::rpc_mismatch_error& e) {
      bad(e.what());
      send(onc::reply_rpc_mismatch(e.xid()));
      return;
    } catch (const xdr::decode_error& e) {
      ++counters_.bad_records;
      bad(std::string("a record that is no ONC RPC call: ") + e.what());
      closed_ = true;
      return;
    }
    ++counters_.calls;
    try {
      dispatch(c);
    } catch (const xdr::decode_error& e) {
      ++counters_.garbage_args;
      bad("arguments of " + describe(c) + " do not decode: " + e.what());
      send(onc::reply_garbage_args(c.xid));
    }
  }

  static std::string describe(const onc::call& c) {
    return "program " + std::to_string(c.prog) + " version "
           + std::to_string(c.vers) + " procedure " + std::to_string(c.proc);
  }

  void unknown(const onc::call& c, std::string reply, const char* what) {
    ++counters_.unknown_calls;
    bad(std::string(what) + ": " + describe(c));
    send(std::move(reply));
  }

  void dispatch(const onc::call& c) {
    if (c.prog == onc::dump::program) {
      if (c.vers != onc::dump::version)
        return unknown(c, onc::reply_prog_mismatch(c.xid, 1, 1),
                       "unsupported version");
      return dump(c);
    }
    if (c.prog == onc::hndsk::program) {
      if (c.vers != onc::hndsk::version)
        return unknown(c, onc::reply_prog_mismatch(c.xid, 2, 2),
                       "unsupported version");
      return handshake(c);
    }
    if (c.prog == onc::pmap::program) {
      if (c.vers != onc::pmap::version)
        return unknown(c, onc::reply_prog_mismatch(c.xid, 1, 1),
                       "unsupported version");
      return portmap(c);
    }
    unknown(c, onc::reply_prog_unavail(c.xid), "unknown program");
  }

  void dump(const onc::call& c) {
    switch (c.proc) {
      case onc::dump::proc_null:
        return send(onc::reply_success(c.xid, {}));
      case onc::dump::proc_ping:
        return send(onc::reply_success(c.xid, onc::gf_common_rsp{}.encode()));
      case onc::dump::proc_dump: {
        auto req = onc::gf_dump_req::decode(c.args);
        onc::gf_dump_rsp rsp;
        rsp.gfs_id = req.gfs_id;
        rsp.progs = {
          {onc::dump::name, onc::dump::program, onc::dump::version},
          {onc::hndsk::name, onc::hndsk::program, onc::hndsk::version},
          {onc::pmap::name, onc::pmap::program, onc::pmap::version},
        };
        return send(onc::reply_success(c.xid, rsp.encode()));
      }
    }
    unknown(c, onc::reply_proc_unavail(c.xid), "unknown procedure");
  }

  void handshake(const onc::call& c) {
    switch (c.proc) {
      case onc::hndsk::proc_null:
        return send(onc::reply_success(c.xid, {}));
      case onc::hndsk::proc_ping:
        return send(onc::reply_success(c.xid, onc::gf_common_rsp{}.encode()));
      case onc::hndsk::proc_getspec:
        return getspec(c);
      case onc::hndsk::proc_event_notify: {
        (void)onc::gf_event_notify_req::decode(c.args);
        return send(
          onc::reply_success(c.xid, onc::gf_event_notify_rsp{}.encode()));
      }
    }
    unknown(c, onc::reply_proc_unavail(c.xid), "unknown procedure");
  }

  void getspec(const onc::call& c) {
    auto req = onc::gf_getspec_req::decode(c.args);
    ++counters_.getspecs;
    if (!service_) {
      send(onc::reply_system_err(c.xid));
      return;
    }
    auto answer = service_->volfile(req.key);
    if (!answer.error.empty()) {
      ++counters_.unknown_volfiles;
      say("GETSPEC from " + peer_ + " refused: " + answer.error);
      onc::gf_getspec_rsp rsp;
      rsp.op_ret = -1;
      rsp.op_errno = answer.error_number;
      send(onc::reply_success(c.xid, rsp.encode()));
      return;
    }
    // Push FETCHSPEC when this volfile changes (once per id and connection).
    if (watched_.insert(req.key).second) {
      auto* self = this;
      watches_.push_back(service_->watch(req.key, [self, key = req.key]() {
        self->push_fetchspec(key);
      }));
    }
    send(onc::reply_success(
      c.xid, onc::gf_getspec_rsp::found(std::move(answer.text)).encode()));
  }

  void portmap(const onc::call& c) {
    switch (c.proc) {
      case onc::pmap::proc_null:
        return send(onc::reply_success(c.xid, {}));
      case onc::pmap::proc_portbybrick: {
        auto req = onc::pmap_port_by_brick_req::decode(c.args);
        onc::pmap_port_by_brick_rsp rsp;
        auto port = service_ ? service_->port_of(req.brick) : std::nullopt;
        if (port) {
          rsp.port = static_cast<std::int32_t>(*port);
        } else {
          rsp.op_ret = -1;
        }
        return send(onc::reply_success(c.xid, rsp.encode()));
      }
      case onc::pmap::proc_brickbyport: {
        auto req = onc::pmap_brick_by_port_req::decode(c.args);
        onc::pmap_brick_by_port_rsp rsp;
        auto brick = service_ && req.port > 0
                       ? service_->brick_at(static_cast<unsigned>(req.port))
                       : std::nullopt;
        if (brick)
          rsp.brick = *brick;
        else
          rsp.op_ret = -1;
        return send(onc::reply_success(c.xid, rsp.encode()));
      }
      case onc::pmap::proc_signin: {
        auto req = onc::pmap_signin_req::decode(c.args);
        ++counters_.signins;
        onc::pmap_signin_rsp rsp;
        std::string err = service_ ? service_->sign_in(
                                       req.brick,
                                       req.port < 0 ? 0u : static_cast<unsigned>(req.port),
                                       req.pid, session_)
                                   : "this daemon supervises no bricks";
        if (!err.empty()) {
          say("SIGNIN from " + peer_ + " refused: " + err);
          rsp.op_ret = -1;
          rsp.op_errno = EINVAL;
        }
        return send(onc::reply_success(c.xid, rsp.encode()));
      }
      case onc::pmap::proc_signout: {
        auto req = onc::pmap_signout_req::decode(c.args);
        if (service_)
          service_->sign_out(req.brick, session_);
        return send(
          onc::reply_success(c.xid, onc::pmap_signout_rsp{}.encode()));
      }
    }
    unknown(c, onc::reply_proc_unavail(c.xid), "unknown procedure");
  }

  void push_fetchspec(const std::string& id) {
    if (closed_)
      return;
    ++counters_.fetchspec_pushes;
    say("volfile " + id + " changed: told " + peer_
        + " to fetch it again (FETCHSPEC)");
    send(onc::make_call(next_xid_++, onc::cbk::program, onc::cbk::version,
                        onc::cbk::proc_fetchspec, {}));
  }

  /// Queues one record for writing, after the ones before it.
  void send(std::string payload) {
    if (closed_)
      return;
    auto framed = kj::heap<std::string>(onc::frame_record(payload));
    auto* raw = framed.get();
    writes_ = writes_.addBranch()
                .then([this, raw]() { return stream_->write(raw->data(), raw->size()); })
                .attach(kj::mv(framed))
                .catch_([this](kj::Exception&&) { closed_ = true; })
                .fork();
  }

  /// Logs the first problem of this connection.
  void bad(const std::string& what) {
    if (reported_)
      return;
    reported_ = true;
    say("bad ONC RPC input from " + peer_ + ": " + what);
  }

  void say(const std::string& line) {
    if (log_)
      log_(line);
  }

  kj::Own<kj::AsyncIoStream> stream_;
  std::string peer_;
  node::brick_service* service_;
  onc_counters& counters_;
  onc::record_reader records_;
  std::function<void(const std::string&)> log_;
  std::uint64_t session_ = 0;
  std::uint32_t next_xid_ = 0x67640001;
  char buffer_[64 * 1024];
  bool closed_ = false;
  bool reported_ = false;
  std::set<std::string> watched_;
  std::vector<std::uint64_t> watches_;
  kj::ForkedPromise<void> writes_ = kj::Promise<void>(kj::READY_NOW).fork();
};

/// See prefixed_stream().
class prefixed final : public kj::AsyncIoStream {
public:
  prefixed(kj::Own<kj::AsyncIoStream> inner, std::string prefix)
    : inner_(kj::mv(inner)), prefix_(std::move(prefix)) {
    // nop
  }

  kj::Promise<std::size_t> tryRead(void* buffer, std::size_t min_bytes,
                                   std::size_t max_bytes) override {
    if (offset_ >= prefix_.size())
      return inner_->tryRead(buffer, min_bytes, max_bytes);
    auto n = std::min(max_bytes, prefix_.size() - offset_);
    std::memcpy(buffer, prefix_.data() + offset_, n);
    offset_ += n;
    if (n >= min_bytes)
      return n;
    return inner_->tryRead(static_cast<char*>(buffer) + n, min_bytes - n,
                           max_bytes - n)
      .then([n](std::size_t more) { return n + more; });
  }
  kj::Promise<void> write(const void* buffer, std::size_t size) override {
    return inner_->write(buffer, size);
  }
  kj::Promise<void>
  write(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces) override {
    return inner_->write(pieces);
  }
  kj::Promise<void> whenWriteDisconnected() override {
    return inner_->whenWriteDisconnected();
  }
  void shutdownWrite() override { inner_->shutdownWrite(); }
  void abortRead() override { inner_->abortRead(); }
  void getsockopt(int level, int option, void* value, uint* length) override {
    inner_->getsockopt(level, option, value, length);
  }
  void setsockopt(int level, int option, const void* value, uint length) override {
    inner_->setsockopt(level, option, value, length);
  }
  void getsockname(struct sockaddr* addr, uint* length) override {
    inner_->getsockname(addr, length);
  }
  void getpeername(struct sockaddr* addr, uint* length) override {
    inner_->getpeername(addr, length);
  }
  kj::Maybe<int> getFd() const override { return inner_->getFd(); }

private:
  kj::Own<kj::AsyncIoStream> inner_;
  std::string prefix_;
  std::size_t offset_ = 0;
};

} // namespace

kj::Promise<void> serve_onc_connection(
  kj::Own<kj::AsyncIoStream> stream, std::string first, std::string peer,
  node::brick_service* service, onc_counters& counters,
  onc_door_settings settings, std::function<void(const std::string&)> log) {
  auto c = kj::heap<onc_connection>(kj::mv(stream), std::move(peer), service,
                                    counters, settings, std::move(log));
  auto done = c->run(std::move(first));
  return done.catch_([](kj::Exception&&) {}).attach(kj::mv(c));
}

kj::Own<kj::AsyncIoStream> prefixed_stream(kj::Own<kj::AsyncIoStream> inner,
                                           std::string prefix) {
  return kj::heap<prefixed>(kj::mv(inner), std::move(prefix));
}

} // namespace gd::rpc
