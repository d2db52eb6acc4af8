"""JupyterHub settings for an infoview_kit workshop: every participant gets the notebooks and a private workbook.

The Littlest JupyterHub (one server): copy this file to
``/opt/tljh/config/jupyterhub_config.d/infoview.py``, then ``sudo tljh-config reload hub``.
A JupyterHub you set up yourself: append it to your ``jupyterhub_config.py``.
Zero to JupyterHub on Kubernetes: the same settings as Helm values are in docs/deploy.md.
tests/face/test_deploy.py loads this file with a stand-in config object and checks the settings below, and
tests/hub/ runs a real JupyterHub with it (hub.py adds only test-only overrides: ports, log-in, temp homes).
"""

c = get_config()  # noqa: F821  (JupyterHub defines get_config() when it loads a config file)

# Where the notebooks are: nbgitpuller clones the repository into ~/infoview_kit the first time a
# participant opens the workshop link (docs/deploy.md), and updates it on later visits.
NOTEBOOKS = "infoview_kit/notebooks"

# Each participant's workbook is a file in their own home folder, created readable by them only
# (mode 0600). It lives outside the folder nbgitpuller updates, so a new version of the notebooks
# never touches it. JupyterHub passes "~" as it is; infoview_kit expands it to the participant's home.
c.Spawner.environment = {"INFOVIEW_WORKBOOK": "~/infoview/workbook.sqlite"}

# Where a participant lands after logging in: the set-up check, in JupyterLab. The no-code view
# is the same server's Voila: /user/<name>/voila/render/infoview_kit/notebooks/00_start_here.ipynb
c.Spawner.default_url = f"/lab/tree/{NOTEBOOKS}/00_start_here.ipynb"

# Participants' servers listen on the server itself only; people reach them through the hub's proxy,
# which checks who they are. (The hub's own public address is TLJH's proxy on ports 80/443, with
# HTTPS: `tljh-config set https.enabled true`. A hub you run yourself: keep it on 127.0.0.1 behind an
# HTTPS reverse proxy, c.JupyterHub.bind_url = "http://127.0.0.1:8000".)
c.Spawner.ip = "127.0.0.1"

# Hub admins (a coach, say) cannot open participants' servers, so cannot read their workbooks there.
# What a coach gets is the progress summary each participant chooses to share (infoview share-progress).
c.JupyterHub.admin_access = False

# Memory per participant. A Python process that has loaded the package and drawn the demo's charts
# peaks at about 120 MB (measured); the JupyterLab server comes on top, and each open notebook or
# Voila page is one more kernel.
# Enforced by TLJH's SystemdSpawner and by KubeSpawner (not by the default LocalProcessSpawner).
c.Spawner.mem_limit = "1G"
