#pragma once

// glcli's commands, as plain functions of their parsed arguments: each
// validates its input, talks to the daemon through gd::client and prints
// the result (human or --json). The CLI11 front (cli.cpp) only parses the
// command line and calls one of them, so tests can run every command
// in-process. No CLI11, no Cap'n Proto in this header.
//
// Exit codes (DESIGN contract): 0 ok; 1 the operation failed, with one line
// on stderr, "<group> <command>: failed: <message> (nothing changed)" or
// "... (the change may or may not have been applied)"; 2 usage error (bad
// arguments, a bad address, bad txn text), with a message naming what was
// wrong.

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "cmd/client/client.hpp"
#include "cmd/glcli/json.hpp"
#include "protocol/kv_types.hpp"
#include "protocol/status.hpp"

namespace gd::glcli {

enum exit_code : int {
  exit_ok = 0,
  exit_failed = 1,
  exit_usage = 2,
};

/// The options every command takes.
struct global_options {
  /// --remote-host; else $GLCLI_REMOTE_HOST, else localhost:24007.
  std::optional<std::string> remote_host;
  /// --json: one JSON document on stdout (kv watch: one object per line).
  bool json = false;
  /// --mode=script: never prompt (volume stop/delete, peer detach ask y/n
  /// otherwise).
  bool script = false;
  /// --timeout: for connecting and for each call, in seconds.
  double timeout_seconds = 10;
  /// Let Ctrl-C (SIGINT) end `kv watch` cleanly with exit 0. Set by main;
  /// tests leave it off.
  bool handle_interrupt = false;
};

struct streams {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
};

struct kv_put_args {
  std::string key;
  /// The value; "-" reads it from standard input. Unset with from_file.
  std::optional<std::string> value;
  /// Read the value from this file instead (for values over the kernel's
  /// 128 KiB per-argument limit).
  std::string from_file;
  bool prev_kv = false;
};

struct kv_get_args {
  std::string key;
  bool prefix = false;
  bool from_key = false;
  std::int64_t limit = 0;
  bool keys_only = false;
  bool count_only = false;
  bool serializable = false;
};

struct kv_del_args {
  std::string key;
  bool prefix = false;
  bool from_key = false;
  bool prev_kv = false;
};

/// Empty vectors: the txn text is read from stdin (see txn_parse.hpp).
struct kv_txn_args {
  std::vector<std::string> compares;
  std::vector<std::string> thens;
  std::vector<std::string> elses;
};

struct kv_watch_args {
  std::string key;
  bool prefix = false;
  bool from_key = false;
  /// 0: only future events.
  kv::revision rev = 0;
};

int kv_put(const global_options& g, const kv_put_args& a, streams& s);
int kv_get(const global_options& g, const kv_get_args& a, streams& s);
int kv_del(const global_options& g, const kv_del_args& a, streams& s);
int kv_txn(const global_options& g, const kv_txn_args& a, streams& s);
int kv_watch(const global_options& g, const kv_watch_args& a, streams& s);
int kv_compact(const global_options& g, kv::revision rev, streams& s);

int monitor_status(const global_options& g, streams& s);
int monitor_add(const global_options& g, const std::string& name,
                const std::string& address, streams& s);
int monitor_remove(const global_options& g, const std::string& name,
                   streams& s);
int monitor_transfer_leader(const global_options& g, const std::string& name,
                            streams& s);

// The output formats, exposed for tests.

/// Connection options for a --timeout of `seconds`: connect and call
/// deadlines of `seconds`; the daemon gets min(1 s, a fifth) less, so that
/// its own timeout answer arrives before our deadline.
client::connection_options connection_options_for(double seconds);

/// The failure line (without newline) for a business failure `st` of
/// `command` (e.g. "kv put"). `write`: the command may change something.
std::string failure_line(const std::string& command, const gd::status& st,
                         bool write);

/// {"key":..,"value":..,"createRevision":..,"modRevision":..,"version":..};
/// "value" is left out if !with_value.
void write_json(json_writer& w, const kv::key_value& kv, bool with_value);
/// {"revision":..,"kvs":[..],"more":..,"count":..}
void write_json(json_writer& w, const kv::range_result& r, bool with_values);
/// {"revision":..[,"prevKv":{..}]}
void write_json(json_writer& w, const kv::put_result& r);
/// {"revision":..,"deleted":..[,"prevKvs":[..]]}
void write_json(json_writer& w, const kv::delete_result& r, bool prev_kvs);
/// {"revision":..,"succeeded":..,"responses":[{"range"|"put"|"delete":{..}}]}
void write_json(json_writer& w, const kv::txn_result& r);
/// {"type":"PUT"|"DELETE","key":..,"value":..,"createRevision":..,
///  "modRevision":..,"version":..}
void write_json(json_writer& w, const kv::event& e);

/// etcdctl's form: KEY and VALUE lines per key (keys only: KEY lines; count
/// only: the count).
std::string range_text(const kv::range_result& r, bool keys_only,
                       bool count_only);
/// SUCCESS or FAILURE, then for each response a blank line and its output
/// (put: OK; get: KEY/VALUE lines; del: the number deleted).
std::string txn_text(const kv::txn_result& r);

/// `monitor status` as a table and as JSON (see the README of cmd/glcli).
std::string cluster_status_text(const std::vector<client::member_report>& m);
std::string cluster_status_json(const std::vector<client::member_report>& m);

/// Renders a member or cluster id as 16 hex digits.
std::string id_text(std::uint64_t id);

} // namespace gd::glcli
