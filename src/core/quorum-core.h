/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-error.h"
#include "quorum-model.h"
#include "quorum-wire.h"
#include "quorum-geometry.h"
#include "quorum-agreement.h"
#include "quorum-video-agreement.h"
#include "quorum-exam.h"
#include "quorum-task-graph.h"
#include "quorum-merge.h"
#include "quorum-coco.h"
#include "quorum-guide.h"
#include "quorum-track.h"
