"""Parts of the role × page matrix (``tests/test_access.py``), one module per area of the app.

Each module defines ``MATRIX`` (url name -> list of (method, builder, roles allowed)),
``HOUSEHOLD_LEVEL`` (url names that show household data: a council member is refused all of them)
and ``builders(context)``, which creates what its URLs need and returns builder name ->
(url kwargs, request data). ``context`` holds the shared objects: household, intervention,
intervention_type, new_type, outcome, version, run and areas.
"""

from siex.accounts.roles import Role

ANONYMOUS = "anonymous"
NO_ROLE = "no role"
PO, CM, PL, AD = Role.POLICY_OFFICER, Role.COUNCIL_MEMBER, Role.PROJECT_LEAD, Role.ADMINISTRATOR
ALL_ROLES = {PO, CM, PL, AD}
EVERYONE = {ANONYMOUS, NO_ROLE, *ALL_ROLES}
#: A policy officer whose teams work in other wijken than the household's (need to know): every
#: page and endpoint of that household answers 404, the lists leave it out.
PO_OUTSIDE = "policy officer outside the household's team"
