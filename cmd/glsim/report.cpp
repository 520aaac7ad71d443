#include "cmd/glsim/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace gd::glsim {

namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

/// "LABEL" padded to the value column.
std::string label(const std::string& l) {
  constexpr std::size_t column = 36;
  return l.size() >= column ? l + " " : l + std::string(column - l.size(), ' ');
}

std::string ms3(const latency& l) {
  return fmt("%.1f", l.p50) + " / " + fmt("%.1f", l.p99) + " / "
         + fmt("%.1f", l.max) + " ms";
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string json_number(double v) {
  if (!std::isfinite(v))
    return "null";
  return fmt("%.3f", v);
}

std::string json_latency(const latency& l) {
  return "{\"count\": " + std::to_string(l.count) + ", \"p50_ms\": "
         + json_number(l.p50) + ", \"p99_ms\": " + json_number(l.p99)
         + ", \"max_ms\": " + json_number(l.max) + "}";
}

std::string json_strings(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i)
    out += (i ? ", " : "") + json_string(v[i]);
  return out + "]";
}

} // namespace

latency summarize(std::vector<double> ms) {
  latency l;
  l.count = ms.size();
  if (ms.empty())
    return l;
  std::sort(ms.begin(), ms.end());
  auto rank = [&ms](double p) {
    auto k = static_cast<std::size_t>(std::ceil(p * static_cast<double>(ms.size())));
    return ms[std::min(ms.size(), std::max<std::size_t>(k, 1)) - 1];
  };
  l.p50 = rank(0.50);
  l.p99 = rank(0.99);
  l.max = ms.back();
  return l;
}

void print_table(std::ostream& out, const fleet_results& r) {
  auto n = std::to_string(r.servers);
  out << "glsim: " << n << " servers, check-in every " << r.interval_ms
      << " ms, lease " << r.lease_ms << " ms, up-after " << r.up_after_ms
      << " ms\n";
  if (r.admitted == r.servers && r.admit_seconds >= 0)
    out << label("admitted all " + n) << fmt("%.1f", r.admit_seconds) << " s\n";
  else
    out << label("admitted") << r.admitted << " of " << n << " (not all)\n";
  if (r.all_up_seconds >= 0)
    out << label("all " + std::to_string(r.admitted) + " committed up")
        << fmt("%.1f", r.all_up_seconds) << " s\n";
  else
    out << label("all committed up") << "never\n";
  out << "monitor  role      CPU%  RSS MiB  check-ins/s    bytes/s\n";
  for (const auto& m : r.monitors) {
    char line[160];
    std::snprintf(line, sizeof line, "%-8s %-8s %5.1f %8.1f %12.1f %10.0f\n",
                  m.name.c_str(), m.role.c_str(), m.cpu_percent, m.rss_mib,
                  m.checkins_per_second, m.bytes_per_second);
    out << line;
  }
  double total_cpu = 0;
  for (const auto& m : r.monitors)
    total_cpu += m.cpu_percent;
  if (r.admitted > 0)
    out << label("monitor CPU% per server")
        << fmt("%.4f", total_cpu / static_cast<double>(r.admitted)) << "\n";
  out << label("log writes/s (steady)")
      << (r.log_writes_per_second < 0 ? std::string("?")
                                      : fmt("%.2f", r.log_writes_per_second))
      << "\n";
  out << label("false downs (steady)") << r.steady_false_downs << "\n";
  out << label("volume set p50/p99/max") << ms3(r.volume_set);
  if (r.volume_set_failures > 0)
    out << "  (" << r.volume_set_failures << " failed: " << r.volume_error
        << ")";
  out << "\n";
  out << label("detection p50/p99/max (" + std::to_string(r.killed)
               + " killed)")
      << ms3(r.detection) << "  (" << r.detection.count << " detected, "
      << r.detected_within_3_intervals << " within 3 intervals)\n";
  out << label("detection past lease end p50/p99/max") << ms3(r.past_lease)
      << "\n";
  out << label("back up p50/max") << fmt("%.1f", r.back_up.p50) << " / "
      << fmt("%.1f", r.back_up.max) << " ms  (" << r.back_up.count << " of "
      << r.killed << ")\n";
  if (r.leader_killed) {
    out << label("leader kill: false downs") << r.leader_kill_false_downs
        << "  (killed " << r.killed_leader << ")\n";
    out << "leader kill: check-ins accepted again after   p99 "
        << fmt("%.0f", r.checkins_again.p99) << " / max "
        << fmt("%.0f", r.checkins_again.max) << " ms";
    if (r.never_accepted_again > 0)
      out << "  (" << r.never_accepted_again << " never)";
    out << "\n";
  } else {
    out << label("leader kill") << "not run\n";
  }
  out << label("check-ins refused / lost (whole run)") << r.checkins_refused
      << " / " << r.checkins_lost << "\n";
  out << label("glsim CPU%") << fmt("%.1f", r.glsim_cpu_percent) << "\n";
  for (const auto& f : r.monitor_failures)
    out << "monitor failure: " << f << "\n";
  for (const auto& note : r.notes)
    out << "note: " << note << "\n";
  for (const auto& e : r.admit_errors)
    out << "admission error: " << e << "\n";
}

std::string to_json(const fleet_results& r) {
  std::ostringstream o;
  o << "{\"servers\": " << r.servers << ", \"interval_ms\": " << r.interval_ms
    << ", \"lease_ms\": " << r.lease_ms << ", \"up_after_ms\": "
    << r.up_after_ms << ", \"seed\": " << r.seed
    << ", \"admitted\": " << r.admitted
    << ", \"admit_s\": " << json_number(r.admit_seconds)
    << ", \"all_up_s\": " << json_number(r.all_up_seconds)
    << ", \"probe_retries\": " << r.probe_retries
    << ", \"admit_errors\": " << json_strings(r.admit_errors)
    << ", \"steady_s\": " << json_number(r.steady_seconds)
    << ", \"monitors\": [";
  double total_cpu = 0;
  for (std::size_t i = 0; i < r.monitors.size(); ++i) {
    const auto& m = r.monitors[i];
    total_cpu += m.cpu_percent;
    o << (i ? ", " : "") << "{\"name\": " << json_string(m.name)
      << ", \"role\": " << json_string(m.role)
      << ", \"cpu_percent\": " << json_number(m.cpu_percent)
      << ", \"rss_mib\": " << json_number(m.rss_mib)
      << ", \"checkins_per_s\": " << json_number(m.checkins_per_second)
      << ", \"bytes_per_s\": " << json_number(m.bytes_per_second) << "}";
  }
  o << "], \"monitor_cpu_percent_per_server\": "
    << json_number(r.admitted ? total_cpu / static_cast<double>(r.admitted) : 0)
    << ", \"log_writes_per_s\": "
    << (r.log_writes_per_second < 0 ? std::string("null")
                                    : json_number(r.log_writes_per_second))
    << ", \"steady_false_downs\": " << r.steady_false_downs
    << ", \"volume_set\": " << json_latency(r.volume_set)
    << ", \"volume_set_failures\": " << r.volume_set_failures
    << ", \"killed\": " << r.killed
    << ", \"detection\": " << json_latency(r.detection)
    << ", \"detection_past_lease\": " << json_latency(r.past_lease)
    << ", \"detected_within_3_intervals\": " << r.detected_within_3_intervals
    << ", \"back_up\": " << json_latency(r.back_up)
    << ", \"leader_killed\": " << (r.leader_killed ? "true" : "false")
    << ", \"killed_leader\": " << json_string(r.killed_leader)
    << ", \"leader_kill_false_downs\": " << r.leader_kill_false_downs
    << ", \"checkins_accepted_again\": " << json_latency(r.checkins_again)
    << ", \"never_accepted_again\": " << r.never_accepted_again
    << ", \"checkins_refused\": " << r.checkins_refused
    << ", \"checkins_lost\": " << r.checkins_lost
    << ", \"glsim_cpu_percent\": " << json_number(r.glsim_cpu_percent)
    << ", \"monitor_failures\": " << json_strings(r.monitor_failures)
    << ", \"notes\": " << json_strings(r.notes)
    << ", \"check_failures\": " << json_strings(check_failures(r)) << "}\n";
  return o.str();
}

std::vector<std::string> check_failures(const fleet_results& r) {
  std::vector<std::string> f;
  if (r.admitted < r.servers)
    f.push_back("only " + std::to_string(r.admitted) + " of "
                + std::to_string(r.servers) + " servers were admitted");
  if (r.all_up_seconds < 0)
    f.push_back("not every admitted server was committed up");
  if (r.steady_false_downs > 0)
    f.push_back(std::to_string(r.steady_false_downs)
                + " server(s) went down in the steady state");
  if (r.detection.count < r.killed)
    f.push_back(std::to_string(r.killed - r.detection.count) + " of "
                + std::to_string(r.killed)
                + " killed servers were never committed down");
  if (r.detection.count > 0
      && r.detection.p99 > 3.0 * static_cast<double>(r.interval_ms))
    f.push_back("detection p99 " + fmt("%.0f", r.detection.p99)
                + " ms is over 3 intervals ("
                + std::to_string(3 * r.interval_ms) + " ms)");
  if (r.back_up.count < r.detection.count)
    f.push_back(std::to_string(r.detection.count - r.back_up.count)
                + " restarted server(s) were not committed up again");
  if (!r.leader_killed)
    f.push_back("the leader kill did not run");
  if (r.leader_kill_false_downs > 0)
    f.push_back(std::to_string(r.leader_kill_false_downs)
                + " false down(s) after the leader kill");
  for (const auto& m : r.monitor_failures)
    f.push_back("monitor: " + m);
  return f;
}

} // namespace gd::glsim
