/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "quorum-market-terms-group.h"

/* The days a new market job is open for until someone says otherwise. */
#define DEFAULT_DAYS 14

static const char *const pers[] = { "task", "job", NULL };

struct _QuorumMarketTermsGroup
{
  AdwPreferencesGroup  parent_instance;

  /* the template */
  GtkEditable         *amount_row;
  GtkEditable         *currency_row;
  AdwComboRow         *per_row;
  GtkEditable         *deadline_row;
};

G_DEFINE_FINAL_TYPE (QuorumMarketTermsGroup, quorum_market_terms_group, ADW_TYPE_PREFERENCES_GROUP)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static char *
trimmed (GtkEditable *editable)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (editable)));
}

/* As the server reads it (docs/formats.md): digits, at most 9 before the
 * point and 2 after, above zero. */
static gboolean
amount_valid (const char *amount)
{
  const char *p = amount;
  guint before = 0, after = 0;
  gboolean nonzero = FALSE;

  for (; g_ascii_isdigit (*p); p++, before++)
    nonzero |= *p != '0';
  if (*p == '.')
    for (p++; g_ascii_isdigit (*p); p++, after++)
      nonzero |= *p != '0';
  return *p == '\0' && before >= 1 && before <= 9 && (after <= 2) && nonzero && p[-1] != '.';
}

static char *
currency (QuorumMarketTermsGroup *self)
{
  g_autofree char *text = trimmed (self->currency_row);

  return g_ascii_strup (text, -1);
}

static gboolean
currency_valid (const char *code)
{
  return strlen (code) == 3 && g_ascii_isupper (code[0]) && g_ascii_isupper (code[1]) && g_ascii_isupper (code[2]);
}

/* The end of the deadline's day, UTC; NULL when it is no date. */
static GDateTime *
deadline (QuorumMarketTermsGroup *self)
{
  g_autofree char *text = trimmed (self->deadline_row);
  int year, month, day;
  char end;

  if (sscanf (text, "%4d-%2d-%2d%c", &year, &month, &day, &end) != 3 ||
      !g_date_valid_dmy (day, month, year))
    return NULL;
  return g_date_time_new_utc (year, month, day, 23, 59, 59);
}

void
quorum_market_terms_group_list_problems (QuorumMarketTermsGroup *self,
                                   GPtrArray         *problems)
{
  g_autofree char *amount = trimmed (self->amount_row);
  g_autofree char *code = currency (self);
  g_autoptr(GDateTime) until = deadline (self);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_return_if_fail (QUORUM_IS_MARKET_TERMS_GROUP (self));

  if (!amount_valid (amount))
    g_ptr_array_add (problems, g_strdup (_("A market job needs a bid above zero, written like 12.50: digits, "
                                            "and at most two after the point.")));
  if (!currency_valid (code))
    g_ptr_array_add (problems, g_strdup (_("The bid's currency is a code of three letters, such as EUR or USD.")));
  if (until == NULL)
    g_ptr_array_add (problems, g_strdup (_("The deadline is a date written like 2027-01-31.")));
  else if (g_date_time_compare (until, now) <= 0)
    g_ptr_array_add (problems, g_strdup (_("The deadline has passed: organizations could no longer apply.")));
}

void
quorum_market_terms_group_add_settings (QuorumMarketTermsGroup *self,
                                  JsonBuilder       *builder)
{
  g_autofree char *amount = trimmed (self->amount_row);
  g_autofree char *code = currency (self);
  g_autoptr(GDateTime) until = deadline (self);
  g_autofree char *until_text = until != NULL ? g_date_time_format (until, "%Y-%m-%dT%H:%M:%SZ")
                                              : trimmed (self->deadline_row);
  guint per = adw_combo_row_get_selected (self->per_row);

  g_return_if_fail (QUORUM_IS_MARKET_TERMS_GROUP (self));

  json_builder_set_member_name (builder, "market");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "bid");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "amount");
  json_builder_add_string_value (builder, amount);
  json_builder_set_member_name (builder, "currency");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "per");
  json_builder_add_string_value (builder, pers[per < G_N_ELEMENTS (pers) - 1 ? per : 0]);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "deadline");
  json_builder_add_string_value (builder, until_text);
  json_builder_end_object (builder);
}

char *
quorum_market_terms_group_describe (QuorumMarketTermsGroup *self)
{
  g_autofree char *amount = trimmed (self->amount_row);
  g_autofree char *code = currency (self);
  g_autoptr(GDateTime) until = deadline (self);
  g_autofree char *day = until != NULL ? g_date_time_format (until, "%e %B %Y") : trimmed (self->deadline_row);

  g_return_val_if_fail (QUORUM_IS_MARKET_TERMS_GROUP (self), NULL);

  /* Translators: a market job's bid: "12.50 EUR per task, until 31 January 2027" */
  return g_strdup_printf (adw_combo_row_get_selected (self->per_row) == 1 ? _("%s %s for the whole job, until %s")
                                                                         : _("%s %s per task, until %s"),
                          amount, code, g_strstrip (day));
}

GtkEditable *
quorum_market_terms_group_get_amount (QuorumMarketTermsGroup *self)
{
  g_return_val_if_fail (QUORUM_IS_MARKET_TERMS_GROUP (self), NULL);
  return self->amount_row;
}

GtkEditable *
quorum_market_terms_group_get_currency (QuorumMarketTermsGroup *self)
{
  g_return_val_if_fail (QUORUM_IS_MARKET_TERMS_GROUP (self), NULL);
  return self->currency_row;
}

AdwComboRow *
quorum_market_terms_group_get_per (QuorumMarketTermsGroup *self)
{
  g_return_val_if_fail (QUORUM_IS_MARKET_TERMS_GROUP (self), NULL);
  return self->per_row;
}

GtkEditable *
quorum_market_terms_group_get_deadline (QuorumMarketTermsGroup *self)
{
  g_return_val_if_fail (QUORUM_IS_MARKET_TERMS_GROUP (self), NULL);
  return self->deadline_row;
}

static void
on_changed (QuorumMarketTermsGroup *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
quorum_market_terms_group_class_init (QuorumMarketTermsGroupClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-market-terms-group.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumMarketTermsGroup, amount_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumMarketTermsGroup, currency_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumMarketTermsGroup, per_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumMarketTermsGroup, deadline_row);
  gtk_widget_class_bind_template_callback (widget_class, on_changed);
}

static void
quorum_market_terms_group_init (QuorumMarketTermsGroup *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) until = g_date_time_add_days (now, DEFAULT_DAYS);
  g_autofree char *day = g_date_time_format (until, "%Y-%m-%d");

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_editable_set_text (self->deadline_row, day);
}
