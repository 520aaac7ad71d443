#include "actors/membership/credentials.hpp"

#include "store/fs.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <initializer_list>
#include <stdexcept>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace gd::membership {

namespace {

/// HMAC-SHA256(k, msg).
key hmac(const key& k, const std::string& msg) {
  key out{};
  unsigned int len = 0;
  auto* r = HMAC(EVP_sha256(), k.data(), static_cast<int>(k.size()),
                 reinterpret_cast<const unsigned char*>(msg.data()),
                 msg.size(), out.data(), &len);
  if (r == nullptr || len != out.size())
    throw std::runtime_error("HMAC-SHA256 failed (OpenSSL)");
  return out;
}

/// A domain-separation label and its fields, each after a NUL.
std::string message(const char* label,
                    std::initializer_list<std::string> fields) {
  std::string m(label);
  for (const auto& f : fields) {
    m.push_back('\0');
    m += f;
  }
  return m;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

std::string hex_of(const std::uint8_t* p, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  s.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    s.push_back(digits[p[i] >> 4]);
    s.push_back(digits[p[i] & 0xf]);
  }
  return s;
}

std::string errno_text(int err) {
  return std::strerror(err);
}

[[noreturn]] void fail(const std::string& what, const std::string& path,
                       int err) {
  throw std::runtime_error(what + " " + path + ": " + errno_text(err));
}

/// Closes a descriptor on scope exit unless released.
class fd_guard {
public:
  explicit fd_guard(int fd) : fd_(fd) {
    // nop
  }
  ~fd_guard() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  int get() const {
    return fd_;
  }

private:
  int fd_;
};

std::string mode_text(mode_t m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
  return buf;
}

std::string utc_text(std::int64_t s) {
  std::time_t t = static_cast<std::time_t>(s);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr)
    return std::to_string(s) + " s after the epoch";
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

constexpr const char* join_prefix = "gdjoin1.";

std::string cluster_hex(std::uint64_t id) {
  std::uint8_t b[8];
  for (int i = 0; i < 8; ++i)
    b[i] = static_cast<std::uint8_t>(id >> (56 - 8 * i));
  return hex_of(b, sizeof b);
}

key join_mac(const key& secret, std::uint64_t cluster_id,
             std::int64_t expires_s) {
  return hmac(secret, message("gd-join-v1", {cluster_hex(cluster_id),
                                             std::to_string(expires_s)}));
}

bool ordered(purpose p) {
  return p == purpose::check_in || p == purpose::digest;
}

} // namespace

key new_secret() {
  key k{};
  if (RAND_bytes(k.data(), static_cast<int>(k.size())) != 1)
    throw std::runtime_error("cannot make a cluster secret: the OpenSSL "
                             "random generator failed (RAND_bytes)");
  return k;
}

void save_secret(const std::string& path, const key& k) {
  try {
    store::fs::write_file_atomically(path, to_hex(k) + "\n", 0600);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("cannot save the secret: ") + e.what());
  }
}

key load_secret(const std::string& path) {
  // O_NONBLOCK: a FIFO put there by mistake must not hang the daemon.
  fd_guard fd(
    ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0)
    fail("cannot open the cluster secret", path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    fail("cannot stat the cluster secret", path, errno);
  if (!S_ISREG(st.st_mode))
    throw std::runtime_error("the cluster secret " + path +
                             " is not a regular file");
  if ((st.st_mode & 077) != 0)
    throw std::runtime_error("the cluster secret " + path + " has mode " +
                             mode_text(st.st_mode) +
                             "; it must be 0600 (chmod 600 " + path + ")");
  // Read one byte more than the longest valid content to see an overlong one.
  char buf[66];
  std::size_t got = 0;
  while (got < sizeof buf) {
    auto n = ::read(fd.get(), buf + got, sizeof buf - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      fail("cannot read the cluster secret", path, errno);
    if (n == 0)
      break;
    got += static_cast<std::size_t>(n);
  }
  std::string text(buf, got);
  if (text.size() == 65 && text.back() == '\n')
    text.pop_back();
  auto k = key_from_hex(text);
  if (!k)
    throw std::runtime_error("the cluster secret " + path +
                             " is malformed: it must hold exactly 64 hex "
                             "digits and an optional newline");
  return *k;
}

std::string to_hex(const key& k) {
  return hex_of(k.data(), k.size());
}

std::optional<key> key_from_hex(const std::string& hex) {
  key k{};
  if (hex.size() != 2 * k.size())
    return std::nullopt;
  for (std::size_t i = 0; i < k.size(); ++i) {
    int hi = hex_value(hex[2 * i]);
    int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    k[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return k;
}

key server_credential(const key& secret, const std::string& uuid,
                      std::uint64_t credential_id) {
  return hmac(secret, message("gd-server-v1",
                              {uuid, std::to_string(credential_id)}));
}

key monitor_credential(const key& secret) {
  return hmac(secret, "gd-monitor-v1");
}

const char* to_string(purpose p) {
  switch (p) {
    case purpose::check_in:
      return "check-in";
    case purpose::digest:
      return "digest";
    case purpose::forward:
      return "forwarded call";
    case purpose::raft_link:
      return "raft link";
  }
  return "unknown purpose";
}

namespace {

key proof_mac(const key& k, purpose p, const std::string& who,
              std::int64_t stamp_us, const std::string& target) {
  return hmac(k, message("gd-proof-v1", {to_string(p), who,
                                         std::to_string(stamp_us), target}));
}

} // namespace

proof make_proof(const key& k, purpose p, std::string who,
                 std::int64_t stamp_us, std::string target) {
  proof pr;
  pr.mac = proof_mac(k, p, who, stamp_us, target);
  pr.who = std::move(who);
  pr.stamp_us = stamp_us;
  pr.target = std::move(target);
  return pr;
}

bool mac_matches(const key& k, purpose p, const proof& pr) {
  auto want = proof_mac(k, p, pr.who, pr.stamp_us, pr.target);
  return CRYPTO_memcmp(want.data(), pr.mac.data(), want.size()) == 0;
}

// -- stamp_source ------------------------------------------------------------

namespace {

std::int64_t system_micros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch())
    .count();
}

} // namespace

stamp_source::stamp_source() : clock_(system_micros) {
  // nop
}

stamp_source::stamp_source(clock_fn clock) : clock_(clock) {
  // nop
}

std::int64_t stamp_source::next() {
  auto now = clock_();
  if (started_ && now <= last_)
    now = last_ + 1;
  last_ = now;
  started_ = true;
  return now;
}

// -- replay_guard ------------------------------------------------------------

replay_guard::replay_guard(std::int64_t window_us) : window_us_(window_us) {
  // nop
}

std::string replay_guard::accept(purpose p, const std::string& who,
                                 std::int64_t stamp_us, std::int64_t now_us) {
  // |stamp - now| in unsigned arithmetic: stamps come from the network and
  // may be any value, so the signed difference could overflow.
  auto abs_us = stamp_us >= now_us
                  ? static_cast<std::uint64_t>(stamp_us) -
                      static_cast<std::uint64_t>(now_us)
                  : static_cast<std::uint64_t>(now_us) -
                      static_cast<std::uint64_t>(stamp_us);
  if (abs_us > static_cast<std::uint64_t>(window_us_)) {
    auto secs = (abs_us + 500'000) / 1'000'000;
    return "clock of " + who + " differs from this daemon's by " +
           std::to_string(secs) + " s (more than " +
           std::to_string(window_us_ / 1'000'000) +
           " s allowed): synchronise the clocks (NTP)";
  }
  if (ordered(p)) {
    auto& last = last_[p == purpose::check_in ? 0 : 1];
    auto it = last.find(who);
    if (it != last.end()) {
      if (stamp_us <= it->second)
        return "replayed (stamp " + std::to_string(stamp_us) +
               " is not newer than the last accepted from " + who + ")";
      it->second = stamp_us;
    } else {
      last.emplace(who, stamp_us);
    }
    return {};
  }
  prune(now_us);
  if (stamp_us < floor_us_)
    return "stale (stamp " + std::to_string(stamp_us) +
           " is older than the replay window already forgotten)";
  auto [it, fresh] =
    seen_.emplace(stamp_us, static_cast<std::uint8_t>(p), who);
  (void) it;
  if (!fresh)
    return "replayed (stamp " + std::to_string(stamp_us) +
           " already seen from " + who + ")";
  return {};
}

void replay_guard::prune(std::int64_t now_us) {
  if (now_us < INT64_MIN + window_us_)
    return;
  auto bound = now_us - window_us_;
  if (bound <= floor_us_)
    return;
  floor_us_ = bound;
  while (!seen_.empty() && std::get<0>(*seen_.begin()) < bound)
    seen_.erase(seen_.begin());
}

void replay_guard::forget(const std::string& who) {
  last_[0].erase(who);
  last_[1].erase(who);
  for (auto it = seen_.begin(); it != seen_.end();) {
    if (std::get<2>(*it) == who)
      it = seen_.erase(it);
    else
      ++it;
  }
}

std::size_t replay_guard::size() const {
  return last_[0].size() + last_[1].size() + seen_.size();
}

// -- join tokens -------------------------------------------------------------

std::string make_join_token(const key& secret, std::uint64_t cluster_id,
                            std::int64_t expires_s) {
  if (expires_s < 0)
    throw std::invalid_argument("a join token cannot expire before 1970");
  return join_prefix + cluster_hex(cluster_id) + "." +
         std::to_string(expires_s) + "." +
         to_hex(join_mac(secret, cluster_id, expires_s));
}

namespace {

/// The fields and the MAC of a well-formed token.
struct parsed_token {
  join_token_fields fields;
  key mac{};
};

std::optional<parsed_token> parse_token(const std::string& token) {
  const std::string prefix(join_prefix);
  if (token.compare(0, prefix.size(), prefix) != 0)
    return std::nullopt;
  auto id_begin = prefix.size();
  auto id_end = token.find('.', id_begin);
  if (id_end == std::string::npos || id_end - id_begin != 16)
    return std::nullopt;
  auto exp_begin = id_end + 1;
  auto exp_end = token.find('.', exp_begin);
  if (exp_end == std::string::npos)
    return std::nullopt;
  parsed_token out;
  // The cluster id: 16 lowercase hex digits, as make_join_token writes them.
  std::uint64_t id = 0;
  for (auto i = id_begin; i < id_end; ++i) {
    char c = token[i];
    int v = hex_value(c);
    if (v < 0 || (c >= 'A' && c <= 'F'))
      return std::nullopt;
    id = id << 4 | static_cast<std::uint64_t>(v);
  }
  // The expiry: a canonical decimal (no sign, no leading zero) that fits.
  auto digits = exp_end - exp_begin;
  if (digits == 0 || digits > 19 || (digits > 1 && token[exp_begin] == '0'))
    return std::nullopt;
  std::uint64_t expires = 0;
  for (auto i = exp_begin; i < exp_end; ++i) {
    char c = token[i];
    if (c < '0' || c > '9')
      return std::nullopt;
    expires = expires * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (expires > static_cast<std::uint64_t>(INT64_MAX))
    return std::nullopt;
  auto mac_hex = token.substr(exp_end + 1);
  for (char c : mac_hex)
    if (c >= 'A' && c <= 'F')
      return std::nullopt; // lowercase only, as make_join_token writes it
  auto mac = key_from_hex(mac_hex);
  if (!mac)
    return std::nullopt;
  out.fields.cluster_id = id;
  out.fields.expires_s = static_cast<std::int64_t>(expires);
  out.mac = *mac;
  return out;
}

} // namespace

std::optional<join_token_fields> parse_join_token(const std::string& token) {
  auto t = parse_token(token);
  if (!t)
    return std::nullopt;
  return t->fields;
}

std::string verify_join_token(const key& secret, std::uint64_t cluster_id,
                              const std::string& token, std::int64_t now_s) {
  auto t = parse_token(token);
  if (!t)
    return "malformed join token";
  if (t->fields.cluster_id != cluster_id)
    return "join token of another cluster";
  auto want = join_mac(secret, cluster_id, t->fields.expires_s);
  if (CRYPTO_memcmp(want.data(), t->mac.data(), want.size()) != 0)
    return "join token not made by this cluster (wrong signature)";
  if (now_s >= t->fields.expires_s)
    return "join token expired at " + utc_text(t->fields.expires_s);
  return {};
}

} // namespace gd::membership
