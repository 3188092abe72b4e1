/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "quorum-client.h"

G_BEGIN_DECLS

/* Exit statuses every subcommand keeps to. */
enum {
  QUORUM_CLI_OK      = 0,
  QUORUM_CLI_REFUSED = 1,  /* the server refused */
  QUORUM_CLI_USAGE   = 2,  /* bad usage or bad input */
};

typedef struct {
  const char *name;
  const char *summary;
  /* argv[0] is the subcommand's name */
  int       (*run) (int argc, char **argv);
} QuorumCliCommand;

int  quorum_cli_main            (int    argc,
                                 char **argv);
/* Prints "quorumctl SUBCOMMAND: MESSAGE" and a hint to --help on stderr. */
void quorum_cli_usage_error     (const char *subcommand,
                                 const char *format,
                                 ...) G_GNUC_PRINTF (2, 3);

/* One action of a command with several ("org create", "org list"). */
typedef struct {
  const char *name;
  const char *parameters;
  const char *summary;
  int       (*run) (int argc, char **argv);
} QuorumCliAction;

/* Runs the action argv[1] names; "COMMAND --help" lists the actions. */
int  quorum_cli_dispatch        (const char            *command,
                                 const char            *summary,
                                 const QuorumCliAction *actions,
                                 guint                  n_actions,
                                 int                    argc,
                                 char                 **argv);

/* What every command that talks to a server shares: its name for
 * messages, --server, --json, and the client once connected. */
typedef struct {
  char         *command;   /* "project create" */
  char         *server;    /* --server */
  gboolean      json;      /* --json */
  QuorumClient *client;
} QuorumCliSession;

void quorum_cli_session_clear   (QuorumCliSession *session);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (QuorumCliSession, quorum_cli_session_clear)

/* Parses @argv with @entries and the common options; checks the number of
 * positional arguments (@max_args < 0: no limit). On a usage error prints it
 * and returns FALSE: exit with QUORUM_CLI_USAGE. --help prints and exits 0. */
gboolean  quorum_cli_session_parse   (QuorumCliSession   *session,
                                      const char         *command,
                                      const char         *parameters,
                                      const char         *summary,
                                      const char         *description,
                                      const GOptionEntry *entries,
                                      int                 min_args,
                                      int                 max_args,
                                      int                *argc,
                                      char             ***argv);
/* The client for --server, else $QUORUM_SERVER, else the server of the last
 * login; with the token of $QUORUM_TOKEN or the one stored at login.
 * Fails (a usage error) when no server is known or the address is bad. */
QuorumClient *quorum_cli_session_connect (QuorumCliSession  *session,
                                          GError           **error);
/* A blocking call on the session's client; @path_format is printf-like. */
JsonNode *quorum_cli_call            (QuorumCliSession  *session,
                                      const char        *method,
                                      JsonNode          *body,
                                      GError           **error,
                                      const char        *path_format,
                                      ...) G_GNUC_PRINTF (5, 6);
/* Prints "quorumctl COMMAND: MESSAGE" and returns the exit status the
 * error calls for: QUORUM_CLI_REFUSED for what the server said (or could
 * not say: unreachable), QUORUM_CLI_USAGE for bad input found here. */
int       quorum_cli_session_fail    (QuorumCliSession  *session,
                                      const GError      *error);
/* The usage error for a bad argument; returns QUORUM_CLI_USAGE. */
int       quorum_cli_session_usage   (QuorumCliSession  *session,
                                      const char        *format,
                                      ...) G_GNUC_PRINTF (2, 3);

/* A "list" action: GET @path and print the reply (a table of @columns, or
 * of the array under @member of the reply when @member is set). With
 * @owner ("project", "job") the action takes --OWNER ID and @path goes
 * under /OWNERs/ID ("/credentials": /projects/ID/credentials). */
typedef struct {
  const char         *command;      /* "credential list" */
  const char         *summary;
  const char         *description;
  const char         *owner;
  const char         *path;
  const char         *member;
  const char * const *columns;
} QuorumCliList;

int       quorum_cli_list            (const QuorumCliList *list,
                                      int                  argc,
                                      char               **argv);

/* The "id" of a reply object, or a QUORUM_ERROR_FAILED saying the server's
 * reply has none. */
gboolean  quorum_cli_reply_id        (JsonNode          *reply,
                                      gint64            *id,
                                      GError           **error);
/* The member @name of the reply object when it holds a @type node, or
 * NULL and a QUORUM_ERROR_FAILED naming what the server left out. */
JsonNode *quorum_cli_reply_member    (JsonNode          *reply,
                                      const char        *name,
                                      JsonNodeType       type,
                                      GError           **error);
/* What a "create" action prints: the reply with --json, else its id. */
int       quorum_cli_session_print_id (QuorumCliSession *session,
                                       JsonNode         *reply);

/* Input found wrong on this side of the wire: exit status 2. */
#define QUORUM_CLI_INPUT_ERROR (quorum_cli_input_error_quark ())
GQuark    quorum_cli_input_error_quark (void);

/* A positive id, or a QUORUM_CLI_INPUT_ERROR naming @what. */
gboolean  quorum_cli_parse_id        (const char        *text,
                                      const char        *what,
                                      gint64            *id,
                                      GError           **error);
/* A user given by id or by name (names through GET /users). */
gboolean  quorum_cli_resolve_user    (QuorumCliSession  *session,
                                      const char        *text,
                                      gint64            *id,
                                      GError           **error);
/* A password from a terminal without echo, else one line of stdin. */
char     *quorum_cli_read_password   (const char        *prompt,
                                      gboolean           from_stdin,
                                      GError           **error);

/* Output: the reply as indented JSON (--json), or a table of @columns
 * ("member:Header") over an array of objects. */
void      quorum_cli_print_json      (JsonNode          *node);
void      quorum_cli_print_object    (JsonObject        *object);
/* A new node holding a reference to @object, for request bodies. */
JsonNode *quorum_cli_object_node     (JsonObject        *object);
void      quorum_cli_print_table     (JsonNode          *rows,
                                      const char * const *columns);
/* One member of an object as text for a table or a line. */
char     *quorum_cli_format_member   (JsonObject        *object,
                                      const char        *member);
/* Prints the reply: as JSON with --json, else the @columns of an array or
 * "key: value" lines of an object. */
void      quorum_cli_session_print   (QuorumCliSession  *session,
                                      JsonNode          *reply,
                                      const char * const *columns);

int  quorum_cli_migrate         (int    argc,
                                 char **argv);
int  quorum_cli_agreement       (int    argc,
                                 char **argv);
int  quorum_cli_login           (int    argc,
                                 char **argv);
int  quorum_cli_logout          (int    argc,
                                 char **argv);
int  quorum_cli_org             (int    argc,
                                 char **argv);
int  quorum_cli_user            (int    argc,
                                 char **argv);
int  quorum_cli_project         (int    argc,
                                 char **argv);
int  quorum_cli_label           (int    argc,
                                 char **argv);
int  quorum_cli_file            (int    argc,
                                 char **argv);
int  quorum_cli_guide           (int    argc,
                                 char **argv);
int  quorum_cli_credential      (int    argc,
                                 char **argv);
int  quorum_cli_job             (int    argc,
                                 char **argv);
int  quorum_cli_task            (int    argc,
                                 char **argv);
int  quorum_cli_exam            (int    argc,
                                 char **argv);
int  quorum_cli_export          (int    argc,
                                 char **argv);
int  quorum_cli_import          (int    argc,
                                 char **argv);
int  quorum_cli_demo            (int    argc,
                                 char **argv);

G_END_DECLS
