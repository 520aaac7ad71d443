#include "actors/config/cluster_queries.hpp"

#include <algorithm>

#include "actors/config/volgen.hpp"
#include "actors/config/volume_options.hpp"

namespace gd::cluster {

namespace {

gd::status not_found(std::string msg) {
  return gd::status::error(status_code::not_found, std::move(msg));
}

gd::status invalid(std::string msg) {
  return gd::status::error(status_code::invalid, std::move(msg));
}

option_value value_of(const option_spec& spec,
                      const std::map<std::string, std::string>& set) {
  option_value o;
  o.key = spec.key;
  o.default_value = spec.default_value;
  o.description = spec.description;
  auto it = set.find(spec.key);
  o.is_set = it != set.end();
  o.value = o.is_set ? it->second : spec.default_value;
  return o;
}

option_value user_value(const std::string& key, const std::string& value) {
  option_value o;
  o.key = key;
  o.value = value;
  o.description = "user-defined";
  o.is_set = true;
  return o;
}

} // namespace

query_result<std::vector<volume>> volumes_query(const model_reader& m,
                                                const std::string& name) {
  query_result<std::vector<volume>> out;
  if (name.empty() || name == "all") {
    out.value = m.volumes();
    return out;
  }
  auto v = m.volume_named(name);
  if (!v) {
    out.st = not_found("Volume " + name + " does not exist");
    return out;
  }
  out.value.push_back(std::move(*v));
  return out;
}

query_result<std::vector<option_value>> options_query(const model_reader& m,
                                                      const std::string& name,
                                                      const std::string& key) {
  query_result<std::vector<option_value>> out;
  bool cluster = name == "all";
  std::map<std::string, std::string> set;
  if (cluster) {
    set = m.cluster_options();
  } else {
    auto v = m.volume_named(name);
    if (!v) {
      out.st = not_found("Volume " + name + " does not exist");
      return out;
    }
    set = std::move(v->options);
  }
  if (key.empty() || key == "all") {
    for (const auto& spec : all_options())
      if (spec.cluster_wide == cluster && spec.key.compare(0, 5, "user.") != 0)
        out.value.push_back(value_of(spec, set));
    for (const auto& [k, v] : set)
      if (k.compare(0, 5, "user.") == 0)
        out.value.push_back(user_value(k, v));
    return out;
  }
  auto spec = find_option(key);
  if (!spec) {
    std::string msg = "option : " + key + " does not exist";
    auto guess = suggest_option(key);
    if (!guess.empty())
      msg += "\nDid you mean " + guess + "?";
    out.st = invalid(msg);
    return out;
  }
  if (key.compare(0, 5, "user.") == 0) {
    auto it = set.find(key);
    if (it == set.end()) {
      out.st = not_found("option " + key + " is not set on "
                         + (cluster ? std::string("the cluster")
                                    : "volume " + name));
      return out;
    }
    out.value.push_back(user_value(key, it->second));
    return out;
  }
  if (spec->cluster_wide != cluster) {
    out.st = invalid(cluster ? "option " + spec->key
                                 + " is a volume option: ask a volume "
                                   "(volume get NAME " + spec->key + ")"
                             : "option " + spec->key
                                 + " is cluster-wide: volume get all "
                                 + spec->key);
    return out;
  }
  out.value.push_back(value_of(*spec, set));
  return out;
}

query_result<std::vector<volume_info>> volume_status_query(
  const model_reader& m, const std::string& name) {
  query_result<std::vector<volume_info>> out;
  auto vols = volumes_query(m, name);
  out.st = std::move(vols.st);
  if (!out.st.ok())
    return out;
  // Each server's peer record and report, read once.
  std::map<std::string, std::pair<bool, std::optional<bricks_observed>>> servers;
  for (auto& v : vols.value) {
    volume_info vi;
    vi.observed.resize(v.bricks.size());
    for (std::size_t i = 0; i < v.bricks.size(); ++i) {
      const auto& b = v.bricks[i];
      auto it = servers.find(b.peer_uuid);
      if (it == servers.end()) {
        auto p = m.peer_by_uuid(b.peer_uuid);
        it = servers
               .emplace(b.peer_uuid,
                        std::make_pair(p && !p->down, m.observed_on(b.peer_uuid)))
               .first;
      }
      const auto& [up, report] = it->second;
      if (!report)
        continue;
      for (const auto& o : report->bricks) {
        if (o.volume != v.name || o.path != b.path)
          continue;
        auto& st = vi.observed[i];
        st.online = up && o.online;
        st.port = st.online ? o.port : 0;
        st.pid = st.online ? o.pid : 0;
        break;
      }
    }
    vi.volume = std::move(v);
    out.value.push_back(std::move(vi));
  }
  return out;
}

/// For each replica set of `v` whose leader role has a holder: the position
/// in the set of the holder's (non-arbiter) brick.
std::map<std::uint32_t, std::uint32_t>
read_children(const model_reader& m, const volume& v) {
  std::map<std::uint32_t, std::uint32_t> out;
  if (v.replica_count < 2)
    return out;
  auto size = std::max<std::uint32_t>(v.group_size(), 1);
  for (const auto& r : m.roles()) {
    if (r.volume != v.name || r.kind != role_kind::leader
        || r.holder.empty())
      continue;
    std::size_t first = std::size_t{r.set} * size;
    for (std::size_t i = first; i < std::min<std::size_t>(first + size, v.bricks.size());
         ++i)
      if (v.bricks[i].peer_uuid == r.holder && !v.bricks[i].arbiter) {
        out[r.set] = static_cast<std::uint32_t>(i - first);
        break;
      }
  }
  return out;
}

query_result<volfile> volfile_query(const model_reader& m,
                                    const std::string& name,
                                    const std::string& brick_name,
                                    bool client) {
  query_result<volfile> out;
  auto v = m.volume_named(name);
  if (!v) {
    out.st = not_found("Volume " + name + " does not exist");
    return out;
  }
  auto cluster_options = m.cluster_options();
  out.value.version = v->volfile_version;
  if (client || brick_name.empty()) {
    out.value.name = v->name;
    out.value.text = client_volfile(*v, cluster_options, read_children(m, *v));
    return out;
  }
  brick_spec spec;
  if (auto err = parse_brick(brick_name, spec); !err.empty()) {
    out.st = invalid(err);
    return out;
  }
  auto p = m.peer_by_host(spec.host);
  for (const auto& b : v->bricks) {
    bool same_host = b.host == spec.host || (p && p->uuid == b.peer_uuid);
    if (same_host && b.path == spec.path) {
      out.value.name = brick_volfile_id(*v, b);
      out.value.text = brick_volfile(*v, b, cluster_options);
      return out;
    }
  }
  out.st = not_found("Brick " + brick_name + " is not a brick of volume "
                     + name);
  return out;
}

namespace {

template <class T>
query_result<model_answer> widen(query_result<T> r) {
  query_result<model_answer> out;
  out.st = std::move(r.st);
  out.value = std::move(r.value);
  return out;
}

template <class T>
query_result<model_answer> just(T value) {
  query_result<model_answer> out;
  out.value = std::move(value);
  return out;
}

} // namespace

query_result<model_answer> run_query(const model_reader& m,
                                     const model_query& q) {
  struct visitor {
    const model_reader& m;
    query_result<model_answer> operator()(const ask::peers&) const {
      return just(m.peers());
    }
    query_result<model_answer> operator()(const ask::peer_by_host& a) const {
      return just(m.peer_by_host(a.host));
    }
    query_result<model_answer> operator()(const ask::volumes& a) const {
      return widen(volumes_query(m, a.name));
    }
    query_result<model_answer> operator()(const ask::volume_names&) const {
      return just(m.volume_names());
    }
    query_result<model_answer> operator()(const ask::options& a) const {
      return widen(options_query(m, a.volume, a.key));
    }
    query_result<model_answer> operator()(const ask::volfile& a) const {
      return widen(volfile_query(m, a.volume, a.brick, a.client));
    }
    query_result<model_answer> operator()(const ask::volume_status& a) const {
      return widen(volume_status_query(m, a.name));
    }
    query_result<model_answer> operator()(const ask::roles&) const {
      return just(m.roles());
    }
  };
  return std::visit(visitor{m}, q);
}

const char* query_name(const model_query& q) {
  static const char* const names[]
    = {"peers", "peer_by_host", "volumes", "volume_names", "options",
       "volfile", "volume_status", "roles"};
  return names[q.index()];
}

} // namespace gd::cluster
