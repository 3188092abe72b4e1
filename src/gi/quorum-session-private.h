/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the files of QuorumSession share (quorum-session.c): the client, the
 * checks of arguments, the call and its result, and the _sync forms. Not
 * part of the library's API. */

#include "quorum-client.h"
#include "quorum-error.h"
#include "quorum-session.h"

G_BEGIN_DECLS

struct _QuorumSession
{
  GObject       parent_instance;

  QuorumClient *client;
};

/* The _sync forms run the _async call on a private main context, so that
 * they never iterate the default one under a caller's feet. */
typedef struct {
  GMainContext *context;
  GAsyncResult *result;
} SyncCall;

/* Bad arguments are reported through the callback, as the server would:
 * QUORUM_ERROR_INVALID with the field named. */
void          _quorum_session_report_invalid (QuorumSession        *self,
                                              gpointer              source_tag,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data,
                                              QuorumError           code,
                                              const char           *format,
                                              ...) G_GNUC_PRINTF (6, 7);
gboolean      _quorum_session_check_id       (QuorumSession        *self,
                                              gpointer              source_tag,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data,
                                              const char           *field,
                                              gint64                id);
gboolean      _quorum_session_check_text     (QuorumSession        *self,
                                              gpointer              source_tag,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data,
                                              const char           *field,
                                              const char           *text);
void          _quorum_session_call           (QuorumSession        *self,
                                              gpointer              source_tag,
                                              const char           *method,
                                              const char           *path,
                                              JsonNode             *body,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
/* quorum_client_call_async's callback for a GTask of a call: returns
 * its reply, or its error. */
void          _quorum_session_call_replied   (GObject              *source,
                                              GAsyncResult         *result,
                                              gpointer              user_data);
JsonNode     *_quorum_session_finish         (QuorumSession        *self,
                                              GAsyncResult         *result,
                                              gpointer              source_tag,
                                              GError              **error);
JsonNode     *_quorum_session_ids_node       (const gint64         *ids,
                                              guint                 n_ids);
void          _quorum_session_sync_begin     (SyncCall             *call);
void          _quorum_session_sync_done      (GObject              *source,
                                              GAsyncResult         *result,
                                              gpointer              user_data);
GAsyncResult *_quorum_session_sync_wait      (SyncCall             *call);
JsonNode     *_quorum_session_sync_end_node  (SyncCall             *call,
                                              JsonNode             *reply);
void          _quorum_session_sync_end       (SyncCall             *call);

#define SYNC_NODE(start, finish) \
  SyncCall call; \
  _quorum_session_sync_begin (&call); \
  start; \
  return _quorum_session_sync_end_node (&call, finish (self, _quorum_session_sync_wait (&call), error))

G_END_DECLS
