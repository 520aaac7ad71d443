#pragma once

// The reads behind `volume info`, `volume get` and `volume volfile`, as pure
// functions of the stored model: they pick what was asked for, fill in
// option defaults from the option table, run volgen, and say clearly what
// is missing. No CAF, no I/O beyond the reader.

#include <string>
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

/// `volume get NAME KEY|all`: the option (or every option, for "all") with
/// the value in force and its default. NAME "all": the cluster-wide
/// options. Errors: unknown volume, unknown option (with a suggestion),
/// a user.* option that is not set, a cluster-wide option asked of a
/// volume or the reverse.
query_result<std::vector<option_value>> options_query(const model_reader& m,
                                                      const std::string& name,
                                                      const std::string& key);

/// The client volfile of volume `name` (if `client` or `brick` is empty),
/// else the volfile of its brick "HOST:/path" (HOST may be any name of the
/// brick's peer).
query_result<volfile> volfile_query(const model_reader& m,
                                    const std::string& name,
                                    const std::string& brick, bool client);

} // namespace gd::cluster
