@0xa8c7a1b9d62ce2d1;
# The brick API: what brick-side processes and tooling ask of their daemon,
# over Cap'n Proto. GlusterFS's own ONC RPC programs on the same port
# (handshake GETSPEC, portmap SIGNIN / SIGNOUT / PORTBYBRICK, callback
# FETCHSPEC) and this API are two doors to one service
# (actors/node/brick_service): the same volfiles, the same portmap. Served
# by every daemon (Management.brick), from its node agent's copy of the
# model. Add fields, never renumber.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("gd::proto::schema");

# Implemented by a client that watches a volfile.
interface VolfileWatcher {
  changed @0 (id :Text, version :UInt64) -> ();
  # The volfile changed (its text differs): fetch it again.
}

# A running watch; dropping every reference to it ends the watch.
interface VolfileWatch {
  cancel @0 () -> ();
}

# A brick's sign-in; dropping every reference to it (or losing the
# connection) signs the brick out, as closing a glusterfsd's management
# connection does.
interface BrickRegistration {
  signOut @0 () -> ();
}

interface BrickApi {
  getVolfile @0 (id :Text) -> (text :Text, volume :Text, version :UInt64,
                               error :Text);
  # id as glusterd names volfiles: "VOL" (client), "VOL.HOST.PATH-DASHES"
  # (brick). error: "" or why there is none (text is then empty).

  watchVolfile @1 (id :Text, watcher :VolfileWatcher)
      -> (watch :VolfileWatch, error :Text);
  # Calls watcher.changed whenever the volfile's text changes.

  portOf @2 (volume :Text, brick :Text) -> (port :UInt32, error :Text);
  # The TCP port of brick path `brick` of `volume` on this server; 0 with
  # an error if it does not run here.

  signIn @3 (brick :Text, port :UInt32, pid :Int64)
      -> (registration :BrickRegistration, error :Text);
  # Registers a brick process (as portmap SIGNIN does).
}
