#pragma once

// The reads behind `volume info`, `volume get` and `volume volfile`, as pure
// functions of the stored model: they pick what was asked for, fill in
// option defaults from the option table, run volgen, and say clearly what
// is missing. No CAF, no I/O beyond the reader.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "actors/config/cluster_store.hpp"
#include "protocol/cluster_views.hpp"
#include "protocol/status.hpp"

namespace gd::cluster {

/// A query's answer: `value` is meaningful only if st.ok().
template <class T>
struct query_result {
  gd::status st;
  T value{};
};

/// Every volume for "" or "all"; else the one named (not_found: "Volume X
/// does not exist").
query_result<std::vector<volume>> volumes_query(const model_reader& m,
                                                const std::string& name);

/// As volumes_query, with each brick's observed state (volume_info::
/// observed): online only while its server is committed up and its node
/// agent last reported the brick online; port and pid as reported.
query_result<std::vector<volume_info>> volume_status_query(
  const model_reader& m, const std::string& name);

/// `volume get NAME KEY|all`: the option (or every option, for "all") with
/// the value in force and its default. NAME "all": the cluster-wide
/// options. Errors: unknown volume, unknown option (with a suggestion),
/// a user.* option that is not set, a cluster-wide option asked of a
/// volume or the reverse.
query_result<std::vector<option_value>> options_query(const model_reader& m,
                                                      const std::string& name,
                                                      const std::string& key);

/// For each replica set of `v` whose leader role (the scheduler's) has a
/// holder: the position in the set of the holder's non-arbiter brick (the
/// set's read child in client volfiles).
std::map<std::uint32_t, std::uint32_t> read_children(const model_reader& m,
                                                     const volume& v);

/// The client volfile of volume `name` (if `client` or `brick` is empty),
/// else the volfile of its brick "HOST:/path" (HOST may be any name of the
/// brick's peer).
query_result<volfile> volfile_query(const model_reader& m,
                                    const std::string& name,
                                    const std::string& brick, bool client);

// -- named queries --------------------------------------------------------------
//
// Every read of the model a daemon serves, as a value: the config actor runs
// them (model_read), so the same code answers the RPC services and the
// simulation.

namespace ask {

/// Every peer, ordered by hostname.
struct peers {};
/// The peer with this hostname or address host, if any.
struct peer_by_host {
  std::string host;
};
/// As volumes_query.
struct volumes {
  std::string name;
};
/// Every volume's name, in order.
struct volume_names {};
/// As options_query.
struct options {
  std::string volume;
  std::string key;
};
/// Every role assignment, ordered by task.
struct roles {};
/// As volume_status_query.
struct volume_status {
  std::string name;
};
/// As volfile_query.
struct volfile {
  std::string volume;
  std::string brick;
  bool client = false;
};

} // namespace ask

using model_query = std::variant<ask::peers, ask::peer_by_host, ask::volumes,
                                 ask::volume_names, ask::options, ask::volfile,
                                 ask::volume_status, ask::roles>;

/// The answer of a model_query; the alternative matches the query's:
/// peers -> vector<peer>, peer_by_host -> optional<peer>, volumes ->
/// vector<volume>, volume_names -> vector<string>, options ->
/// vector<option_value>, volfile -> volfile, volume_status ->
/// vector<volume_info>, roles -> vector<role_assignment>.
using model_answer
  = std::variant<std::vector<peer>, std::optional<peer>, std::vector<volume>,
                 std::vector<std::string>, std::vector<option_value>,
                 cluster::volfile, std::vector<volume_info>,
                 std::vector<role_assignment>>;

/// Runs `q` on `m`. Its status says what is missing (not_found, invalid);
/// the value is meaningful only if st.ok(). Throws store::store_error if
/// the store fails or a record is corrupt (the caller must stop).
query_result<model_answer> run_query(const model_reader& m,
                                     const model_query& q);

/// Returns e.g. "volumes" (for logs).
const char* query_name(const model_query& q);

} // namespace gd::cluster
