from oscar.apps.checkout.models import * 
