#include "cmd/glcli/cli.hpp"

#include <exception>
#include <functional>
#include <iostream>
#include <initializer_list>
#include <map>

#include <CLI/CLI.hpp>

#include "cmd/glcli/cluster_commands.hpp"

#ifndef GD_VERSION
#define GD_VERSION "unknown"
#endif

namespace gd::glcli {

namespace {

constexpr const char* footer =
  "Target: --remote-host HOST[:PORT], else $GLCLI_REMOTE_HOST, else "
  "localhost:24007.\n"
  "Exit codes: 0 ok, 1 the operation failed (stderr says whether anything "
  "changed), 2 usage error.";

constexpr const char* txn_help =
  "Runs a transaction. Without --compare/--then/--else, reads etcdctl's "
  "txn text from stdin: compares (value(\"k\") = \"v\", version(\"k\") > "
  "\"3\", create(\"k\") = \"0\", mod(\"k\") < \"9\"), a blank line, the "
  "success ops (put K V, get K [--prefix], del K [--prefix]), a blank line, "
  "the failure ops. Prints SUCCESS or FAILURE, then each op's result.";

/// Every parsed argument, filled by CLI11.
struct parsed {
  global_options g;
  std::string remote_host;
  std::string mode;
  kv_put_args put;
  kv_get_args get;
  kv_del_args del;
  kv_txn_args txn;
  kv_watch_args watch;
  kv::revision compact_rev = 0;
  std::string member_name;
  std::string member_address;
  /// The words of each gluster-style command, by "group command".
  std::map<std::string, command_words> words;
  volfile_args volfile;
  roles_args roles;
};

/// A gluster-style command: its words are parsed by the command function
/// (cluster_parse.hpp), so CLI11 only collects them.
using words_function = int (*)(const global_options&, const command_words&,
                               streams&);

struct words_command {
  const char* name;
  /// The grammar of its words ("" if it takes none).
  const char* form;
  const char* help;
  words_function run;
};

void add_words_commands(CLI::App& group, parsed& p,
                        std::function<int()>& action, streams& s,
                        std::initializer_list<words_command> commands) {
  for (const auto& c : commands) {
    auto* sub = group.add_subcommand(c.name, c.help);
    auto& w = p.words[group.get_name() + " " + c.name];
    if (*c.form != '\0') {
      sub->add_option("ARGS", w, c.form);
      sub->footer(std::string("Usage: glcli ") + group.get_name() + " "
                  + c.name + " " + c.form + "\n" + footer);
    }
    auto run = c.run;
    sub->callback([&p, &action, &s, &w, run] {
      action = [&p, &s, &w, run] { return run(p.g, w, s); };
    });
  }
}

void add_peer(CLI::App& app, parsed& p, std::function<int()>& action,
              streams& s) {
  auto* peer = app.add_subcommand("peer", "The servers of the pool "
                                          "(gluster's peer commands)");
  peer->require_subcommand(1);
  add_words_commands(
    *peer, p, action, s,
    {{"probe", "HOST[:PORT]",
      "Adds the glusterd-actor at HOST (port 24007 by default) to the pool",
      peer_probe},
     {"detach", "HOST [force]",
      "Removes peer HOST from the pool (refused while it hosts bricks); "
      "asks y/n unless --mode=script",
      peer_detach},
     {"status", "",
      "Lists the other peers: hostname, UUID and whether they are connected",
      peer_status}});
}

void add_pool(CLI::App& app, parsed& p, std::function<int()>& action,
              streams& s) {
  auto* pool = app.add_subcommand("pool", "The pool as a whole");
  pool->require_subcommand(1);
  add_words_commands(*pool, p, action, s,
                     {{"list", "",
                       "Lists every server of the pool (this one as "
                       "localhost): UUID, hostname, state",
                       pool_list}});
}

void add_volume(CLI::App& app, parsed& p, std::function<int()>& action,
                streams& s) {
  auto* vol = app.add_subcommand("volume", "Volumes, their bricks and "
                                           "options (gluster's volume "
                                           "commands)");
  vol->require_subcommand(1);
  add_words_commands(
    *vol, p, action, s,
    {{"create",
      "NAME [replica N [arbiter 1]] [disperse [N]] [disperse-data N] "
      "[redundancy M] [transport tcp] HOST:/path... [force]",
      "Creates volume NAME from bricks HOST:/path (each run of replica or "
      "disperse bricks is one set)",
      volume_create},
     {"start", "NAME [force]", "Starts volume NAME", volume_start},
     {"stop", "NAME [force]",
      "Stops volume NAME; asks y/n unless --mode=script", volume_stop},
     {"delete", "NAME",
      "Deletes (stopped) volume NAME; asks y/n unless --mode=script",
      volume_delete},
     {"info", "[NAME|all]",
      "Shows the layout, bricks and options of one or every volume",
      volume_info},
     {"list", "", "Lists the volume names", volume_list},
     {"status", "[NAME|all]",
      "Shows the brick processes (port, online, pid) of started volumes",
      volume_status},
     {"set", "NAME|all KEY VALUE",
      "Sets option KEY of volume NAME (all: cluster-wide)", volume_set},
     {"get", "NAME|all KEY|all",
      "Shows the value of one or every option, defaults included",
      volume_get},
     {"reset", "NAME [KEY|all] [force]",
      "Resets one or every option of volume NAME to its default",
      volume_reset},
     {"add-brick", "NAME [replica N [arbiter 1]] HOST:/path... [force]",
      "Adds bricks to volume NAME (optionally raising its replica count)",
      volume_add_brick},
     {"remove-brick",
      "NAME [replica N] HOST:/path... start|stop|status|commit|force",
      "Removes bricks: start migrates their data off, commit removes them, "
      "force removes them at once without migrating",
      volume_remove_brick},
     {"heal", "NAME info",
      "Lists, per brick, the entries its self-heal index still holds",
      volume_heal},
     {"replace-brick", "NAME OLD-BRICK NEW-BRICK commit force",
      "Puts NEW-BRICK in the place of OLD-BRICK (self-heal refills it)",
      volume_replace_brick}});

  auto* volfile = vol->add_subcommand(
    "volfile", "Prints the generated volfile of volume NAME: the client's "
               "(default) or a brick's");
  volfile->add_option("NAME", p.volfile.words, "The volume");
  volfile->add_option("--brick", p.volfile.brick,
                      "The brick's volfile, HOST:/path");
  volfile->add_flag("--client", p.volfile.client,
                    "The client volfile (the default)");
  volfile->callback([&] {
    action = [&] { return volume_volfile(p.g, p.volfile, s); };
  });
}

void add_global_options(CLI::App& app, parsed& p) {
  app.add_option("--remote-host", p.remote_host,
                 "The daemon to talk to, HOST[:PORT] or [IPV6]:PORT "
                 "(port 24007 by default)");
  app.add_flag("--json", p.g.json,
               "Print one JSON document on stdout (kv watch: one JSON "
               "object per line)");
  app.add_option("--mode", p.mode, "script: never prompt")
    ->check(CLI::IsMember({"script"}));
  app.add_option("--timeout", p.g.timeout_seconds,
                 "Seconds to wait for the connection and for each answer "
                 "(default 10)")
    ->check(CLI::Range(0.001, 86400.0));
}

void add_kv(CLI::App& app, parsed& p, std::function<int()>& action,
            streams& s) {
  auto* kv = app.add_subcommand("kv", "The key-value store of the monitor "
                                      "cluster (etcd v3 semantics)");
  kv->require_subcommand(1);

  auto* put = kv->add_subcommand("put", "Sets KEY to VALUE; prints OK");
  put->add_option("KEY", p.put.key, "The key")->required();
  put->add_option("VALUE", p.put.value,
                  "The value; - reads it from standard input");
  put->add_option("--from-file", p.put.from_file,
                  "Read the value from this file (any size up to the "
                  "value limit; bytes as they are)");
  put->add_flag("--prev-kv", p.put.prev_kv,
                "Also print the key-value as it was before");
  put->callback([&] { action = [&] { return kv_put(p.g, p.put, s); }; });

  auto* get = kv->add_subcommand(
    "get", "Reads KEY (or a range): prints each key, then its value");
  get->add_option("KEY", p.get.key,
                  "The key (with --prefix or --from-key, \"\" means every "
                  "key)")
    ->required();
  get->add_flag("--prefix", p.get.prefix, "Every key starting with KEY");
  get->add_flag("--from-key", p.get.from_key, "Every key >= KEY");
  get->add_option("--limit", p.get.limit, "At most N keys (0: no limit)")
    ->check(CLI::NonNegativeNumber);
  get->add_flag("--keys-only", p.get.keys_only, "Print keys only");
  get->add_flag("--count-only", p.get.count_only, "Print the count only");
  get->add_flag("--serializable", p.get.serializable,
                "Read the daemon's local copy (fast, possibly stale) instead "
                "of a linearizable read");
  get->callback([&] { action = [&] { return kv_get(p.g, p.get, s); }; });

  auto* del = kv->add_subcommand(
    "del", "Deletes KEY (or a range); prints the number deleted");
  del->add_option("KEY", p.del.key, "The key")->required();
  del->add_flag("--prefix", p.del.prefix, "Every key starting with KEY");
  del->add_flag("--from-key", p.del.from_key, "Every key >= KEY");
  del->add_flag("--prev-kv", p.del.prev_kv,
                "Also print the deleted key-values");
  del->callback([&] { action = [&] { return kv_del(p.g, p.del, s); }; });

  auto* txn = kv->add_subcommand("txn", txn_help);
  txn->footer(std::string(
                "Quoting: words are separated by spaces; \"...\" keeps spaces "
                "and knows \\\" \\\\ \\n \\t \\r \\xHH; '...' is literal; "
                "a quoted word is never an option.\n")
              + footer);
  txn->add_option("--compare", p.txn.compares,
                  "A compare, e.g. 'value(\"k\") = \"v\"' (repeatable)")
    ->allow_extra_args(false);
  txn->add_option("--then", p.txn.thens,
                  "A success op, e.g. 'put k v' (repeatable)")
    ->allow_extra_args(false);
  txn->add_option("--else", p.txn.elses,
                  "A failure op, e.g. 'get k' (repeatable)")
    ->allow_extra_args(false);
  txn->callback([&] { action = [&] { return kv_txn(p.g, p.txn, s); }; });

  auto* watch = kv->add_subcommand(
    "watch", "Prints each change (PUT or DELETE, key, value) until Ctrl-C");
  watch->add_option("KEY", p.watch.key, "The key")->required();
  watch->add_flag("--prefix", p.watch.prefix, "Every key starting with KEY");
  watch->add_flag("--from-key", p.watch.from_key, "Every key >= KEY");
  watch->add_option("--rev", p.watch.rev,
                    "Start at revision N (0: only new changes)")
    ->check(CLI::NonNegativeNumber);
  watch->callback(
    [&] { action = [&] { return kv_watch(p.g, p.watch, s); }; });

  auto* compact = kv->add_subcommand(
    "compact", "Discards the history (watch events) through revision REV");
  compact->add_option("REV", p.compact_rev, "The revision")
    ->required()
    ->check(CLI::PositiveNumber);
  compact->callback(
    [&] { action = [&] { return kv_compact(p.g, p.compact_rev, s); }; });
}

void add_roles(CLI::App& app, parsed& p, std::function<int()>& action,
               streams& s) {
  auto* roles = app.add_subcommand(
    "roles", "The roles the monitor leader assigns (self-heal, leader)");
  roles->require_subcommand(1);
  auto* list = roles->add_subcommand(
    "list", "Lists every role: task, holder, epoch, since, state");
  list->add_option("--volume", p.roles.volume, "Only the roles of volume V");
  list->add_option("--server", p.roles.server,
                   "Only the roles held by server S (hostname or UUID)");
  list->callback([&] { action = [&] { return roles_list(p.g, p.roles, s); }; });
}

void add_monitor(CLI::App& app, parsed& p, std::function<int()>& action,
                 streams& s) {
  auto* mon = app.add_subcommand("monitor",
                                 "The monitor ensemble (Raft members)");
  mon->require_subcommand(1);

  auto* status = mon->add_subcommand(
    "status", "Shows every monitor's view: leader, term, log indexes");
  status->callback([&] { action = [&] { return monitor_status(p.g, s); }; });

  auto* add = mon->add_subcommand(
    "add", "Adds monitor NAME at HOST:PORT (as a learner, promoted to voter "
           "once caught up)");
  add->add_option("NAME", p.member_name, "The new monitor's name")
    ->required();
  add->add_option("ADDRESS", p.member_address,
                  "Where the other monitors reach it, HOST[:PORT]")
    ->required();
  add->callback([&] {
    action = [&] {
      return monitor_add(p.g, p.member_name, p.member_address, s);
    };
  });

  auto* remove = mon->add_subcommand("remove", "Removes monitor NAME");
  remove->add_option("NAME", p.member_name, "The monitor's name")
    ->required();
  remove->callback(
    [&] { action = [&] { return monitor_remove(p.g, p.member_name, s); }; });

  auto* transfer = mon->add_subcommand(
    "transfer-leader", "Makes monitor NAME the leader");
  transfer->add_option("NAME", p.member_name, "The monitor's name")
    ->required();
  transfer->callback([&] {
    action = [&] { return monitor_transfer_leader(p.g, p.member_name, s); };
  });
}

/// For "A subcommand is required": names the group, the word it did not
/// know (if any) and the commands it has, e.g. "kv: unknown command 'frob'
/// (expected put, get, del, txn, watch or compact)".
std::string missing_command_message(CLI::App& app) {
  CLI::App* cur = &app;
  std::string path;
  for (;;) {
    auto chosen = cur->get_subcommands();
    if (chosen.empty())
      break;
    cur = chosen.front();
    path += (path.empty() ? "" : " ") + cur->get_name();
  }
  std::vector<std::string> names;
  for (const auto* sub : cur->get_subcommands({}))
    names.push_back(sub->get_name());
  std::string expected;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0)
      expected += i + 1 == names.size() ? " or " : ", ";
    expected += names[i];
  }
  auto extra = app.remaining();
  std::string what = extra.empty() ? "missing command"
                                   : "unknown command '" + extra.front() + "'";
  return (path.empty() ? std::string("glcli") : path) + ": " + what
         + " (expected " + expected + ")";
}

} // namespace

int run(int argc, const char* const* argv, streams& s,
        bool handle_interrupt) {
  CLI::App app{"glcli: the command-line client of glusterd-actor", "glcli"};
  app.footer(footer);
  // why: fallthrough() is inherited when subcommands are created, so global
  // options work after the subcommand (glcli kv get k --json).
  app.fallthrough();
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("glcli ") + GD_VERSION);
  parsed p;
  std::function<int()> action;
  try {
    add_global_options(app, p);
    add_peer(app, p, action, s);
    add_pool(app, p, action, s);
    add_volume(app, p, action, s);
    add_kv(app, p, action, s);
    add_monitor(app, p, action, s);
    add_roles(app, p, action, s);
    app.parse(argc, argv);
  } catch (const CLI::RequiredError& e) {
    if (std::string(e.what()).find("subcommand") == std::string::npos)
      return app.exit(e, s.out, s.err) == 0 ? int{exit_ok} : int{exit_usage};
    s.err << missing_command_message(app) << "\nRun with --help for more "
          << "information.\n";
    return exit_usage;
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e, s.out, s.err);
    return code == 0 ? int{exit_ok} : int{exit_usage};
  } catch (const CLI::Error& e) {
    // A construction error is a bug in glcli, not in the arguments.
    s.err << "glcli: internal error: " << e.what() << "\n";
    return exit_failed;
  }
  if (app.count("--remote-host") > 0)
    p.g.remote_host = p.remote_host;
  p.g.script = p.mode == "script";
  p.g.handle_interrupt = handle_interrupt;
  if (!action) {
    s.err << "glcli: no command given\nRun with --help for more "
             "information.\n";
    return exit_usage;
  }
  try {
    return action();
  } catch (const std::exception& e) {
    s.err << "glcli: internal error: " << e.what() << "\n";
    return exit_failed;
  }
}

} // namespace gd::glcli
