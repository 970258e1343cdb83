from oscar.apps.catalogue.models import * 
