#pragma once

// How glcli prints volumes, options, volfiles and the result of a volume
// change: gluster's human layouts and the --json documents (field names
// after gluster's --xml elements; shapes in cmd/glcli/README.md). Pure
// functions of the values the Cluster API answers: no I/O.

#include <string>
#include <vector>

#include "cmd/glcli/json.hpp"
#include "protocol/cluster_views.hpp"

namespace gd::glcli {

/// The value of gluster's "Number of Bricks:" line: "3" (distribute),
/// "2 x 3 = 6" (replicate), "1 x (2 + 1) = 3" (arbiter), "1 x (4 + 2) = 6"
/// (disperse: data + redundancy).
std::string brick_count_text(const cluster::volume& v);

/// gluster's numbers for --json "type" (0 distribute, 2 replicate, 4
/// disperse; the distributed kinds keep their base number) and "status"
/// (0 Created, 1 Started, 2 Stopped).
int gluster_type_code(cluster::volume_type t);
int gluster_status_code(cluster::volume_status s);

/// `volume info`: per volume a blank line, then Volume Name, Type, Volume
/// ID, Status, Snapshot Count, Number of Bricks, Transport-type, Bricks
/// (BrickN: host:/path [(arbiter)]) and, if any are set, Options
/// Reconfigured. "No volumes present\n" if `vols` is empty.
std::string volume_info_text(const std::vector<cluster::volume_info>& vols);

/// One volume as in `volume info --json`: {"name","id","status",
/// "statusStr","snapshotCount","brickCount","distCount","subvolumeCount",
/// "replicaCount","arbiterCount","disperseCount","redundancyCount","type",
/// "typeStr","transport","bricks":[{"name","hostUuid","isArbiter"}],
/// "optCount","options":[{"name","value"}]}.
void write_json(json_writer& w, const cluster::volume_info& v);

/// {"volumes":[...],"count":N}
std::string volume_info_json(const std::vector<cluster::volume_info>& vols);

/// One name per line; "No volumes present in cluster\n" if none.
std::string volume_list_text(const std::vector<std::string>& names);
/// {"count":N,"volume":["v1",...]}
std::string volume_list_json(const std::vector<std::string>& names);

/// `volume status`: per started volume gluster's table (Gluster process,
/// TCP Port, RDMA Port, Online, Pid) and its task status; "Volume v1 is not
/// started" for the others. "No volumes present\n" if `vols` is empty.
std::string volume_status_text(const std::vector<cluster::volume_info>& vols);
/// {"volumes":[{"volName","started","statusStr","nodeCount","node":[{
/// "hostname","path","peerid","status","online","port","pid"}],"tasks":
/// [...]}]}; port and pid are null when not known.
std::string volume_status_json(const std::vector<cluster::volume_info>& vols);

/// `volume get`: the Option/Value table of gluster.
std::string volume_options_text(const std::vector<cluster::option_value>& o);
/// {"volName":..,"count":N,"Opt":[{"Option","Value","defaultValue",
/// "isSet","description"}]}
std::string volume_options_json(const std::string& volume,
                                const std::vector<cluster::option_value>& o);

/// {"name":..,"version":N,"text":..}
std::string volfile_json(const cluster::volfile& f);

/// `volume remove-brick ... status`: the task, its bricks and state.
/// Precondition: v.volume.remove_brick_task is not empty.
std::string remove_brick_status_text(const cluster::volume_info& v);
/// {"volName":..,"task":{"type":"Remove brick","id":..,"bricks":[..],
/// "statusStr":"in progress"}}
std::string remove_brick_status_json(const cluster::volume_info& v);

/// The --json document of a successful change: {"volName":..,"revision":R,
/// "message":..[,"taskId":..][,"volume":{...}]}; `name_field` is "volName"
/// for volume commands and "hostname" for peer ones; "taskId" only if
/// `task_id` is not empty (remove-brick start).
std::string change_json(const std::string& name_field, const std::string& name,
                        const cluster::change_done& d,
                        const std::string& task_id = {});

} // namespace gd::glcli
