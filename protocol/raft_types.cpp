#include "protocol/raft_types.hpp"

#include <algorithm>
#include <set>

#include <xxhash.h>

namespace gd::raft {

member_id member_id_of(std::string_view name) {
  // why: a fixed seed keeps ids identical across builds and machines; the
  // ids are part of the durable configuration.
  member_id id = XXH64(name.data(), name.size(), 0x676c7573746572ULL);
  return id == no_member ? 1 : id;
}

const char* to_string(entry_type t) {
  switch (t) {
    case entry_type::command:
      return "command";
    case entry_type::config:
      return "config";
    case entry_type::noop:
      return "noop";
  }
  return "unknown";
}

namespace {

const member* find_in(const std::vector<member>& ms, member_id id) {
  auto i = std::find_if(ms.begin(), ms.end(),
                        [id](const member& m) { return m.id == id; });
  return i == ms.end() ? nullptr : &*i;
}

} // namespace

bool configuration::is_voter(member_id id) const {
  return find_in(voters, id) != nullptr;
}

bool configuration::is_learner(member_id id) const {
  return find_in(learners, id) != nullptr;
}

bool configuration::contains(member_id id) const {
  return find(id) != nullptr;
}

const member* configuration::find(member_id id) const {
  if (auto m = find_in(voters, id))
    return m;
  return find_in(learners, id);
}

std::vector<member_id> configuration::all_ids() const {
  std::vector<member_id> ids;
  ids.reserve(voters.size() + learners.size());
  for (const auto& m : voters)
    ids.push_back(m.id);
  for (const auto& m : learners)
    ids.push_back(m.id);
  return ids;
}

std::string configuration::validate() const {
  std::set<member_id> ids;
  std::set<std::string> names;
  auto check = [&](const member& m) -> std::string {
    if (m.id == no_member)
      return "member '" + m.name + "' has id 0";
    if (m.name.empty())
      return "a member has an empty name";
    if (m.address.empty())
      return "member '" + m.name + "' has no address";
    if (!ids.insert(m.id).second)
      return "member id of '" + m.name + "' appears twice";
    if (!names.insert(m.name).second)
      return "member name '" + m.name + "' appears twice";
    return {};
  };
  for (const auto& m : voters)
    if (auto err = check(m); !err.empty())
      return err;
  for (const auto& m : learners)
    if (auto err = check(m); !err.empty())
      return err;
  return {};
}

const char* to_string(message_type t) {
  switch (t) {
    case message_type::pre_vote:
      return "pre_vote";
    case message_type::pre_vote_reply:
      return "pre_vote_reply";
    case message_type::vote:
      return "vote";
    case message_type::vote_reply:
      return "vote_reply";
    case message_type::append:
      return "append";
    case message_type::append_reply:
      return "append_reply";
    case message_type::install_snapshot:
      return "install_snapshot";
    case message_type::timeout_now:
      return "timeout_now";
    case message_type::read_index:
      return "read_index";
    case message_type::read_index_reply:
      return "read_index_reply";
    case message_type::heartbeat:
      return "heartbeat";
    case message_type::heartbeat_reply:
      return "heartbeat_reply";
  }
  return "unknown";
}

std::string describe(const message& m) {
  std::string s = to_string(m.type);
  s += " " + std::to_string(m.from) + "->" + std::to_string(m.to);
  s += " t=" + std::to_string(m.term);
  switch (m.type) {
    case message_type::pre_vote:
    case message_type::vote:
      s += " last=" + std::to_string(m.last_log_index) + "/"
           + std::to_string(m.last_log_term);
      if (m.transfer)
        s += " transfer";
      break;
    case message_type::pre_vote_reply:
    case message_type::vote_reply:
      s += m.reject ? " rejected" : " granted";
      break;
    case message_type::append:
      s += " prev=" + std::to_string(m.prev_index) + "/"
           + std::to_string(m.prev_term)
           + " n=" + std::to_string(m.entries.size())
           + " commit=" + std::to_string(m.commit)
           + " ctx=" + std::to_string(m.context);
      break;
    case message_type::append_reply:
      s += (m.reject ? " reject index=" : " ok index=")
           + std::to_string(m.index);
      if (m.reject)
        s += " hint=" + std::to_string(m.hint_index) + "/"
             + std::to_string(m.hint_term);
      s += " ctx=" + std::to_string(m.context);
      break;
    case message_type::install_snapshot:
      s += " snap=" + std::to_string(m.snapshot.index) + "/"
           + std::to_string(m.snapshot.term);
      break;
    case message_type::timeout_now:
      break;
    case message_type::read_index:
      s += " ctx=" + std::to_string(m.context);
      break;
    case message_type::heartbeat:
      s += " commit=" + std::to_string(m.commit)
           + " ctx=" + std::to_string(m.context);
      break;
    case message_type::heartbeat_reply:
      s += " ctx=" + std::to_string(m.context);
      break;
    case message_type::read_index_reply:
      s += (m.reject ? " rejected" : " index=" + std::to_string(m.index))
           + " ctx=" + std::to_string(m.context);
      break;
  }
  return s;
}

} // namespace gd::raft
