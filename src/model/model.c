#include "model/model.h"

int mn_protocol_total_sessions(const mn_protocol *p)
{
    if (p->maintenance_every_days <= 0)
        return p->sessions;
    /* Maintenance sessions continue the course inside the follow-up period. */
    int extra = (int)(p->follow_up_days / p->maintenance_every_days + 1e-9);
    return p->sessions + extra;
}

double mn_protocol_session_day(const mn_protocol *p, int session)
{
    if (session <= p->sessions)
        return (session - 1) * p->interval_days;
    double last = (p->sessions - 1) * p->interval_days;
    return last + (session - p->sessions) * p->maintenance_every_days;
}

double mn_protocol_end_day(const mn_protocol *p)
{
    return (p->sessions - 1) * p->interval_days + p->follow_up_days;
}

int mn_model_total_sessions(const mn_model *m)
{
    return mn_protocol_total_sessions(&m->protocol);
}

double mn_model_session_day(const mn_model *m, int session)
{
    return mn_protocol_session_day(&m->protocol, session);
}

double mn_model_end_day(const mn_model *m)
{
    return mn_protocol_end_day(&m->protocol);
}

mn_device_spec mn_model_session_device(const mn_model *m, int session)
{
    mn_device_spec d = m->device;
    for (size_t i = 0; i < m->protocol.n_overrides; i++) {
        const mn_session_override *o = &m->protocol.overrides[i];
        if (o->session != session)
            continue;
        if (o->set_depth_um > 0)
            d.set_depth_um = o->set_depth_um;
        if (o->passes > 0)
            d.passes = o->passes;
        if (o->frequency_hz > 0)
            d.frequency_hz = o->frequency_hz;
        if (o->glide_speed_um_s > 0)
            d.glide_speed_um_s = o->glide_speed_um_s;
    }
    return d;
}
