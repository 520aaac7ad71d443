// kv_bench: KV put load generator for the glusterd-actor monitor cluster.
//
// Opens --conns Cap'n Proto connections to the Management interface (port
// 24007), gets Management.kv() on each, and keeps --clients Kv.put calls in
// flight, spread round-robin over the connections, on one KJ event loop.
// Records the latency of every successful put and prints throughput,
// percentiles, errors by kind, and one machine-readable RESULT line shared
// with etcd-loadgen (etcd-loadgen/main.go), so bench_kv.sh can compare the
// two row by row. Keys, values, flags and statistics match etcd-loadgen.
//
// A put answered with the `failure` union case is an error, not a success;
// so is a KJ exception (broken connection) or a call that outlives
// --timeout.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <sys/resource.h>

#include <capnp/rpc-twoparty.h>
#include <kj/async-io.h>
#include <kj/async.h>
#include <kj/exception.h>
#include <kj/timer.h>

#include "cmd/bench/bench_flags.hpp"
#include "protocol/kv.capnp.h"
#include "protocol/kv_types.hpp"
#include "protocol/management.capnp.h"
#include "protocol/monitor.capnp.h"
#include "protocol/records_capnp.hpp"

namespace gd::bench {

namespace schema = gd::proto::schema;
using steady = std::chrono::steady_clock;

constexpr unsigned default_port = 24007;

/// Command-line settings. The defaults match etcd-loadgen's.
struct options {
  std::vector<std::string> endpoints{"127.0.0.1:24007"};
  std::uint64_t clients = 1;
  std::uint64_t conns = 1;
  /// Requests to send; 0 with duration_s == 0 means 10000.
  std::uint64_t total = 0;
  /// Send for this long instead of `total` requests (0 = use total).
  double duration_s = 0;
  std::uint64_t value_size = 128;
  std::uint64_t key_space = 100000;
  /// True: find the leader and send everything there.
  bool target_leader = true;
  /// How long to look for a leader before giving up.
  double wait_leader_s = 10;
  /// Per-request timeout, also passed to the daemon as WriteOptions.
  double timeout_s = 10;
};

constexpr const char* usage_text =
  "usage: kv_bench [--endpoints HOST:PORT[,...]] [--clients N] [--conns N]\n"
  "                [--total N | --duration SEC] [--value-size BYTES]\n"
  "                [--key-space N] [--target leader|any]\n"
  "                [--wait-leader SEC] [--timeout SEC]\n"
  "\n"
  "  --endpoints    daemons to reach (default 127.0.0.1:24007; port\n"
  "                 defaults to 24007)\n"
  "  --clients      requests in flight (default 1)\n"
  "  --conns        TCP connections; clients are spread over them\n"
  "                 (default 1, at most --clients)\n"
  "  --total        requests to send (default 10000)\n"
  "  --duration     send for SEC seconds instead of --total\n"
  "  --value-size   value size in bytes (default 128)\n"
  "  --key-space    distinct keys, 8 hex digits each (default 100000)\n"
  "  --target       leader: ask Monitor.status() for the leader and send\n"
  "                 there (default); any: spread connections over the\n"
  "                 endpoints\n"
  "  --wait-leader  seconds to wait for a leader (default 10)\n"
  "  --timeout      per-request timeout in seconds (default 10)\n";

constexpr bench::flag_parser flags{"kv_bench", usage_text};

options parse_options(int argc, char** argv) {
  options o;
  bool total_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg, value;
    flags.next(argc, argv, i, arg, value);
    if (arg == "--endpoints") {
      o.endpoints = split_commas(value);
      if (o.endpoints.empty())
        flags.fail("--endpoints is empty");
    } else if (arg == "--clients") {
      o.clients = flags.count(arg, value);
    } else if (arg == "--conns") {
      o.conns = flags.count(arg, value);
    } else if (arg == "--total") {
      o.total = flags.count(arg, value);
      total_given = true;
    } else if (arg == "--duration") {
      o.duration_s = flags.seconds(arg, value);
    } else if (arg == "--value-size") {
      o.value_size = flags.count(arg, value);
    } else if (arg == "--key-space") {
      o.key_space = flags.count(arg, value);
    } else if (arg == "--target") {
      if (value != "leader" && value != "any")
        flags.fail("--target must be leader or any, not '" + value + "'");
      o.target_leader = value == "leader";
    } else if (arg == "--wait-leader") {
      o.wait_leader_s = flags.seconds(arg, value);
    } else if (arg == "--timeout") {
      o.timeout_s = flags.seconds(arg, value);
    } else {
      flags.fail("unknown option '" + arg + "'");
    }
  }
  if (o.clients < 1)
    flags.fail("--clients must be at least 1");
  if (o.conns < 1)
    flags.fail("--conns must be at least 1");
  if (o.key_space < 1 || o.key_space > 0xffffffffULL)
    flags.fail("--key-space must be in [1, 2^32)");
  if (o.timeout_s <= 0)
    flags.fail("--timeout must be positive");
  if (total_given && o.duration_s > 0)
    flags.fail("give --total or --duration, not both");
  if (total_given && o.total == 0)
    flags.fail("--total must be at least 1");
  if (!total_given && o.duration_s == 0)
    o.total = 10000;
  o.conns = std::min(o.conns, o.clients);
  return o;
}

double seconds_since(steady::time_point t0) {
  return std::chrono::duration<double>(steady::now() - t0).count();
}

/// CPU seconds (user + system) this process has used so far.
double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto tv = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return tv(ru.ru_utime) + tv(ru.ru_stime);
}

kj::Duration to_kj(double seconds) {
  return static_cast<std::int64_t>(seconds * 1e6) * kj::MICROSECONDS;
}

/// One Cap'n Proto connection with its Kv capability.
struct connection {
  connection(kj::Own<kj::AsyncIoStream> s, std::string ep)
    : stream(kj::mv(s)),
      rpc(kj::heap<capnp::TwoPartyClient>(*stream)),
      management(rpc->bootstrap().castAs<schema::Management>()),
      endpoint(std::move(ep)) {
    // nop
  }

  kj::Own<kj::AsyncIoStream> stream;
  kj::Own<capnp::TwoPartyClient> rpc;
  schema::Management::Client management;
  schema::Kv::Client kv{nullptr};
  std::string endpoint;
  /// Set once a call failed with DISCONNECTED: its clients stop.
  bool broken = false;
};

/// Connects to `endpoint` ("HOST[:PORT]"). Throws kj::Exception on failure.
kj::Own<connection> connect(kj::AsyncIoContext& io,
                            const std::string& endpoint, double timeout_s) {
  auto& timer = io.provider->getTimer();
  auto stream
    = timer
        .timeoutAfter(to_kj(timeout_s),
                      io.provider->getNetwork()
                        .parseAddress(endpoint, default_port)
                        .then([](kj::Own<kj::NetworkAddress>&& addr) {
                          return addr->connect().attach(kj::mv(addr));
                        }))
        .wait(io.waitScope);
  return kj::heap<connection>(kj::mv(stream), endpoint);
}

/// Asks `endpoint` for its Monitor.status() and returns the leader's address
/// it reports, if any. Throws kj::Exception if the daemon cannot be reached.
std::optional<std::string> ask_leader(kj::AsyncIoContext& io,
                                      const std::string& endpoint) {
  auto c = connect(io, endpoint, 2);
  auto req = c->management.monitorRequest().send().getMonitor().statusRequest();
  auto reply = io.provider->getTimer()
                 .timeoutAfter(2 * kj::SECONDS, req.send())
                 .wait(io.waitScope);
  auto result = reply.getResult();
  if (!result.isOk())
    return std::nullopt;
  auto st = result.getOk();
  auto hint = st.getLeader().getAddress();
  if (hint.size() > 0)
    return std::string(hint.cStr());
  if (st.getRole() == "leader" && st.getAddress().size() > 0)
    return std::string(st.getAddress().cStr());
  return std::nullopt;
}

/// Polls every endpoint until one names a leader, or `wait_s` runs out.
std::optional<std::string> find_leader(kj::AsyncIoContext& io,
                                       const options& o) {
  auto t0 = steady::now();
  std::string last_error = "no daemon reported a leader";
  for (;;) {
    for (auto& ep : o.endpoints) {
      std::optional<std::string> leader;
      KJ_IF_MAYBE (e, kj::runCatchingExceptions(
                        [&] { leader = ask_leader(io, ep); })) {
        last_error = ep + ": " + e->getDescription().cStr();
        continue;
      }
      if (leader)
        return leader;
      last_error = ep + ": answers, but knows no leader yet";
    }
    if (seconds_since(t0) >= o.wait_leader_s) {
      std::fprintf(stderr, "kv_bench: no leader after %.1f s (last: %s)\n",
                   o.wait_leader_s, last_error.c_str());
      return std::nullopt;
    }
    io.provider->getTimer().afterDelay(200 * kj::MILLISECONDS)
      .wait(io.waitScope);
  }
}

/// Names a failure union case as in kv.capnp.
const char* failure_kind(schema::Failure::Reader f) {
  switch (f.which()) {
    case schema::Failure::NOT_LEADER: return "failure: notLeader";
    case schema::Failure::INVALID: return "failure: invalid";
    case schema::Failure::NO_QUORUM: return "failure: noQuorum";
    case schema::Failure::UNKNOWN_OUTCOME: return "failure: unknownOutcome";
    case schema::Failure::TIMEOUT: return "failure: timeout";
    case schema::Failure::COMPACTED: return "failure: compacted";
    case schema::Failure::BUSY: return "failure: busy";
    case schema::Failure::NO_SPACE: return "failure: noSpace";
    case schema::Failure::FAILED: return "failure: failed";
    case schema::Failure::NOT_FOUND: return "failure: notFound";
    case schema::Failure::EXISTS: return "failure: exists";
  }
  return "failure: (unknown case)";
}

const char* exception_kind(const kj::Exception& e) {
  switch (e.getType()) {
    case kj::Exception::Type::FAILED: return "exception: failed";
    case kj::Exception::Type::OVERLOADED: return "exception: overloaded";
    case kj::Exception::Type::DISCONNECTED: return "exception: disconnected";
    case kj::Exception::Type::UNIMPLEMENTED:
      return "exception: unimplemented";
  }
  return "exception: (unknown type)";
}

/// The load: `clients` loops of put-then-next-put on one event loop.
class load {
public:
  load(kj::Timer& timer, const options& o)
    : timer_(timer),
      opt_(o),
      value_(o.value_size, 'v'),
      rng_(1) {
    // nop
  }

  /// Runs every client over `conns` and returns when all have stopped.
  void run(std::vector<kj::Own<connection>>& conns, kj::WaitScope& ws) {
    cpu0_ = cpu_seconds();
    start_ = steady::now();
    deadline_ = start_ + std::chrono::duration_cast<steady::duration>(
                           std::chrono::duration<double>(opt_.duration_s));
    auto loops = kj::heapArrayBuilder<kj::Promise<void>>(opt_.clients);
    for (std::uint64_t i = 0; i < opt_.clients; ++i)
      loops.add(client_loop(*conns[i % conns.size()]));
    kj::joinPromises(loops.finish()).wait(ws);
    seconds_ = seconds_since(start_);
    cpu_s_ = cpu_seconds() - cpu0_;
  }

  /// Prints the report and the RESULT line. Returns the exit status: 1 if
  /// no put succeeded or a connection was lost (the run ended early).
  int report(const std::vector<kj::Own<connection>>& conns) {
    std::sort(lat_us_.begin(), lat_us_.end());
    std::uint64_t ok = lat_us_.size();
    std::uint64_t nerr = 0;
    for (auto& [kind, n] : errors_)
      nerr += n;
    double rps = seconds_ > 0 ? static_cast<double>(ok) / seconds_ : 0;
    double max_ms = lat_us_.empty() ? 0 : lat_us_.back() / 1e3;
    std::printf("requests   %llu ok, %llu errors in %.3f s\n",
                static_cast<unsigned long long>(ok),
                static_cast<unsigned long long>(nerr), seconds_);
    std::printf("throughput %.1f req/s\n", rps);
    std::printf("latency ms p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  "
                "max %.3f\n",
                ms(0.50), ms(0.90), ms(0.99), ms(0.999), max_ms);
    if (errors_.empty())
      std::printf("errors     none\n");
    for (auto& [kind, n] : errors_)
      std::printf("errors     %llu  %s\n", static_cast<unsigned long long>(n),
                  kind.c_str());
    std::printf("client cpu %.2f s (%.0f%% of one core)\n", cpu_s_,
                seconds_ > 0 ? 100 * cpu_s_ / seconds_ : 0);
    std::printf("RESULT clients=%llu conns=%llu total=%llu seconds=%.3f "
                "rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%llu p90_ms=%.3f "
                "p999_ms=%.3f max_ms=%.3f client_cpu_s=%.2f\n",
                static_cast<unsigned long long>(opt_.clients),
                static_cast<unsigned long long>(opt_.conns),
                static_cast<unsigned long long>(ok + nerr), seconds_, rps,
                ms(0.50), ms(0.99), static_cast<unsigned long long>(nerr),
                ms(0.90), ms(0.999), max_ms, cpu_s_);
    std::fflush(stdout);
    bool lost = std::any_of(conns.begin(), conns.end(),
                            [](auto& c) { return c->broken; });
    if (lost)
      std::fprintf(stderr, "kv_bench: connections were lost; the run ended "
                           "early or ran on fewer connections\n");
    return ok > 0 && !lost ? 0 : 1;
  }

private:
  /// Takes a ticket for one more request; false when the run is over.
  bool take() {
    if (opt_.duration_s > 0)
      return steady::now() < deadline_;
    if (issued_ >= opt_.total)
      return false;
    ++issued_;
    return true;
  }

  /// The i-th key of the key space: 8 hex digits, as etcd-loadgen.
  std::string next_key() {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%08llx",
                  static_cast<unsigned long long>(rng_() % opt_.key_space));
    return buf;
  }

  /// Nearest-rank percentile of the sorted latencies, in ms.
  double ms(double q) const {
    if (lat_us_.empty())
      return 0;
    auto rank = static_cast<std::size_t>(
      std::ceil(q * static_cast<double>(lat_us_.size())));
    rank = std::clamp<std::size_t>(rank, 1, lat_us_.size());
    return lat_us_[rank - 1] / 1e3;
  }

  kj::Promise<void> client_loop(connection& c) {
    if (c.broken || !take())
      return kj::READY_NOW;
    auto req = c.kv.putRequest();
    proto::to_capnp(kv::put_request{next_key(), value_, false},
                    req.initRequest());
    req.initOptions().setTimeoutMs(
      static_cast<std::uint32_t>(opt_.timeout_s * 1000));
    auto t0 = steady::now();
    // why: the client timeout is a little longer than the one the daemon
    // gets, so that a daemon honouring it answers unknownOutcome first.
    return timer_.timeoutAfter(to_kj(opt_.timeout_s + 1), req.send())
      .then(
        [this, t0](capnp::Response<schema::Kv::PutResults>&& r) {
          auto result = r.getResult();
          if (result.isOk())
            lat_us_.push_back(
              std::chrono::duration<double, std::micro>(steady::now() - t0)
                .count());
          else
            ++errors_[failure_kind(result.getFailure())];
        },
        [this, &c](kj::Exception&& e) {
          if (e.getType() == kj::Exception::Type::OVERLOADED
              && e.getDescription() == "operation timed out") {
            ++errors_["client timeout"];
            return;
          }
          ++errors_[exception_kind(e)];
          if (e.getType() == kj::Exception::Type::DISCONNECTED && !c.broken) {
            c.broken = true;
            std::fprintf(stderr, "kv_bench: connection to %s lost: %s\n",
                         c.endpoint.c_str(), e.getDescription().cStr());
          }
        })
      .then([this, &c] { return client_loop(c); });
  }

  kj::Timer& timer_;
  const options& opt_;
  std::string value_;
  std::mt19937_64 rng_;
  std::uint64_t issued_ = 0;
  steady::time_point start_;
  steady::time_point deadline_;
  double seconds_ = 0;
  double cpu0_ = 0;
  /// CPU the load generator itself used during the run.
  double cpu_s_ = 0;
  std::vector<double> lat_us_;
  std::map<std::string, std::uint64_t> errors_;
};

int run(const options& o) {
  auto io = kj::setupAsyncIo();
  std::vector<std::string> targets = o.endpoints;
  if (o.target_leader) {
    auto leader = find_leader(io, o);
    if (!leader)
      return 1;
    targets = {*leader};
  }
  std::vector<kj::Own<connection>> conns;
  for (std::uint64_t i = 0; i < o.conns; ++i) {
    auto& ep = targets[i % targets.size()];
    KJ_IF_MAYBE (e, kj::runCatchingExceptions([&] {
                   conns.push_back(connect(io, ep, 5));
                   // Resolve kv() before the clock starts.
                   auto& c = *conns.back();
                   c.kv = io.provider->getTimer()
                            .timeoutAfter(5 * kj::SECONDS,
                                          c.management.kvRequest().send())
                            .wait(io.waitScope)
                            .getKv();
                 })) {
      std::fprintf(stderr, "kv_bench: cannot open Management.kv() at %s: %s\n",
                   ep.c_str(), e->getDescription().cStr());
      return 1;
    }
  }
  std::string joined;
  for (auto& t : targets)
    joined += (joined.empty() ? "" : ",") + t;
  std::printf("kv_bench: target %s (%s), %llu conns, %llu clients, "
              "%llu-byte values, %llu keys, ",
              joined.c_str(), o.target_leader ? "leader" : "any",
              static_cast<unsigned long long>(o.conns),
              static_cast<unsigned long long>(o.clients),
              static_cast<unsigned long long>(o.value_size),
              static_cast<unsigned long long>(o.key_space));
  if (o.duration_s > 0)
    std::printf("%.1f s\n", o.duration_s);
  else
    std::printf("%llu requests\n", static_cast<unsigned long long>(o.total));
  std::fflush(stdout);
  load l{io.provider->getTimer(), o};
  l.run(conns, io.waitScope);
  return l.report(conns);
}

} // namespace gd::bench

int main(int argc, char** argv) {
  auto opts = gd::bench::parse_options(argc, argv);
  int status = 1;
  KJ_IF_MAYBE (e, kj::runCatchingExceptions(
                    [&] { status = gd::bench::run(opts); })) {
    std::fprintf(stderr, "kv_bench: %s\n", e->getDescription().cStr());
    return 1;
  }
  return status;
}
